import { isAbsolute, relative } from 'node:path';
import type { RuleVerdict } from '../../schemas/gate-verdict.js';
import { ANNOTATIONS_PER_REQUEST, type CheckAnnotation, SUMMARY_BYTES } from '../checks/manifest-check.js';
import { describeLimit } from '../gate/evaluate-rule.js';
import { formatChange } from '../gate/format-change.js';
import { fitBytes } from './fit-bytes.js';
import { type ReportInput, ruleLabel, VERDICT_ICON, verdictCounts } from './report-input.js';
import { cutNote, markdownParts } from './report-markdown.js';

export const GATE_CHECK_NAME = 'gantry/gate';

export interface CheckRunOutput {
  /** Inconclusive asks for action (a re-run) and, unlike neutral, does not satisfy a required check. */
  conclusion: 'success' | 'failure' | 'action_required';
  title: string;
  summary: string;
  text: string;
  annotations: CheckAnnotation[];
}

const CONCLUSION = { pass: 'success', fail: 'failure', inconclusive: 'action_required' } as const;

/** A path as GitHub names files in annotations: relative to the repository root, with `/`. */
function repositoryPath(file: string, root: string | undefined): string {
  const path = root && isAbsolute(file) ? relative(root, file) : file;
  return path.split('\\').join('/');
}

function annotation(
  rule: RuleVerdict & { location: NonNullable<RuleVerdict['location']> },
  root?: string,
): CheckAnnotation {
  const more =
    rule.verdict === 'inconclusive' && rule.more_repetitions
      ? ` About ${rule.more_repetitions} more runs per side would likely decide it.`
      : '';
  return {
    path: repositoryPath(rule.location.file, root),
    start_line: rule.location.line,
    end_line: rule.location.line,
    start_column: rule.location.column,
    end_column: rule.location.column,
    annotation_level: rule.verdict === 'fail' ? 'failure' : 'warning',
    title: `${ruleLabel(rule)}: ${rule.verdict} (change ${formatChange(rule.change)}, limit ${describeLimit(rule.limit, rule.direction)})`,
    message: `${rule.reason}.${more}`,
  };
}

/**
 * The `gantry/gate` check run: the verdict as its title, the tables as its summary, the reasons and
 * details as its text, and an annotation on the model.yml line of every rule that failed or could not
 * be decided. `root` makes absolute manifest paths relative to the repository.
 */
export function checkRunOutput(input: ReportInput, options: { root?: string } = {}): CheckRunOutput {
  const { verdict } = input;
  const parts = markdownParts(input);
  const note = cutNote(input, SUMMARY_BYTES);
  const annotations = verdict.rules
    .filter((r) => r.verdict !== 'pass')
    .flatMap((r) => (r.location ? [annotation({ ...r, location: r.location }, options.root)] : []));
  return {
    conclusion: CONCLUSION[verdict.verdict],
    title: `${VERDICT_ICON[verdict.verdict]} ${input.model} ${input.candidateVersion}: ${verdict.verdict} (${verdictCounts(verdict.rules)})`,
    // Each field holds up to the limit on its own: the tables in the summary, the rest in the text.
    summary: fitBytes({ head: parts.head, body: parts.tables, tail: '' }, SUMMARY_BYTES, note),
    text: fitBytes({ head: '', body: parts.notes, tail: parts.details }, SUMMARY_BYTES, note).trimStart(),
    annotations,
  };
}

/** Annotations in the batches GitHub takes: the first with the create request, the rest as updates. */
export function annotationBatches(annotations: readonly CheckAnnotation[]): CheckAnnotation[][] {
  const batches: CheckAnnotation[][] = [];
  for (let i = 0; i < annotations.length; i += ANNOTATIONS_PER_REQUEST)
    batches.push(annotations.slice(i, i + ANNOTATIONS_PER_REQUEST));
  return batches;
}
