import { SUMMARY_BYTES } from '../checks/manifest-check.js';
import type { ReportInput } from './report-input.js';
import { reportMarkdown } from './report-markdown.js';

/** The hidden first line of a model's comment: the app finds its comment by it and edits it in place. */
export function commentMarker(model: string): string {
  return `<!-- gantry-report: ${model} -->`;
}

/** The pull-request comment of one model, within GitHub's byte limit for a comment body. */
export function prComment(input: ReportInput): string {
  return reportMarkdown(input, { limit: SUMMARY_BYTES, marker: commentMarker(input.model) });
}
