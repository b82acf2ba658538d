import type { ReportInput } from './report-input.js';
import { reportMarkdown } from './report-markdown.js';

/** GitHub refuses a step summary over 1 MiB. */
export const JOB_SUMMARY_BYTES = 1024 * 1024;

/** The report for an Actions run's job summary: the comment's content, with room for every rule. */
export function jobSummary(input: ReportInput): string {
  return reportMarkdown(input, { limit: JOB_SUMMARY_BYTES });
}
