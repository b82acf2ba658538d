import { GATE_REPORT_VERSION, type GateReport } from '../../schemas/gate-report.js';
import { SUMMARY_BYTES } from '../checks/manifest-check.js';
import { type CheckRunOutput, checkRunOutput } from '../report/check-run-output.js';
import { fitBytes } from '../report/fit-bytes.js';
import type { ReportInput } from '../report/report-input.js';

/** The button on `gantry/gate` that dispatches the benchmark workflow again. */
export const RERUN_ACTION = {
  label: 'Re-run benchmark',
  description: 'Run the benchmark workflow again',
  identifier: 'rerun-benchmark',
} as const;

/** A gate report as the report renderers take it, linking to the workflow run that produced it. */
export function reportInput(report: GateReport, runUrl: string): ReportInput {
  return {
    model: report.model,
    candidateVersion: report.candidate_version,
    baselineVersion: report.baseline_version,
    verdict: report.verdict,
    candidate: report.candidate,
    baseline: report.baseline,
    history: report.history,
    links: { report: runUrl },
  };
}

/** What a workflow uploads for the app to render: a report input as the `gate-report.json` record. */
export function gateReportOf(input: ReportInput): GateReport {
  return {
    schema_version: GATE_REPORT_VERSION,
    model: input.model,
    candidate_version: input.candidateVersion,
    baseline_version: input.baselineVersion,
    verdict: input.verdict,
    candidate: [...input.candidate],
    baseline: [...input.baseline],
    ...(input.history
      ? { history: input.history.map((h) => ({ version: h.version, results: [...h.results] })) }
      : {}),
  };
}

const SEVERITY = { failure: 0, action_required: 1, success: 2 } as const;

/**
 * One `gantry/gate` check for all the models a run gated: the worst conclusion wins, each model's summary
 * is kept whole (failing models first when they do not all fit), and every annotation is kept.
 */
export function combinedGateCheck(outputs: readonly CheckRunOutput[]): CheckRunOutput {
  if (outputs.length === 1) return outputs[0]!;
  const ordered = [...outputs].sort((a, b) => SEVERITY[a.conclusion] - SEVERITY[b.conclusion]);
  const worst = ordered[0]!.conclusion;
  const join = (field: 'summary' | 'text') =>
    fitBytes(
      {
        head: '',
        body: outputs.map((o) => ({
          text: `## ${o.title}\n\n${o[field]}\n\n`,
          rule: true,
          priority: SEVERITY[o.conclusion],
        })),
        tail: '',
      },
      SUMMARY_BYTES,
      (shown, total) => `\n_${total - shown} of ${total} models left out to fit GitHub's limit._\n`,
    );
  return {
    conclusion: worst,
    title: `${outputs.length} models: ${ordered.map((o) => o.title).join('; ')}`.slice(0, 255),
    summary: join('summary'),
    text: join('text'),
    annotations: outputs.flatMap((o) => o.annotations),
  };
}

/** The `gantry/gate` check of a run's gate reports. */
export function gateCheck(reports: readonly GateReport[], runUrl: string): CheckRunOutput {
  return combinedGateCheck(reports.map((r) => checkRunOutput(reportInput(r, runUrl))));
}

/** A check that says the results could not be used, and why. It fails: unreadable results prove nothing. */
export function unreadableResultsCheck(problems: readonly string[], artifact: string): CheckRunOutput {
  const list = problems.map((p) => `- ${p}`).join('\n');
  return {
    conclusion: 'failure',
    title: `Results artifact "${artifact}" is unusable`,
    summary: fitBytes(
      {
        head: `The workflow run uploaded \`${artifact}\`, but its gate reports cannot be read:\n\n`,
        body: list.split('\n').map((line) => ({ text: `${line}\n`, rule: true })),
        tail: '\nFix the workflow step that writes the reports (see docs/app.md), then re-run it.\n',
      },
      SUMMARY_BYTES,
      (shown, total) => `\n_${total - shown} more problems._\n`,
    ),
    text: '',
    annotations: [],
  };
}

/** Which workflow run and attempt a check or comment was written from: its natural key. */
export interface RunKey {
  run: number;
  attempt: number;
}

export const formatRunKey = (key: RunKey) => `workflow-run:${key.run}:${key.attempt}`;

export function parseRunKey(text: string | null | undefined): RunKey | undefined {
  const found = /workflow-run:(\d+):(\d+)/.exec(text ?? '');
  return found ? { run: Number(found[1]), attempt: Number(found[2]) } : undefined;
}

/**
 * Whether results from `key` are older than those already written from `written`: run ids grow with
 * time, and a re-run attempt comes after the one before. Late or out-of-order events never win.
 */
export function isStale(key: RunKey, written: RunKey | undefined): boolean {
  if (!written) return false;
  return key.run < written.run || (key.run === written.run && key.attempt < written.attempt);
}

/**
 * A results comment with a hidden last line saying which run wrote it, so a later event can tell whether
 * it is newer. A comment already at GitHub's limit goes without it.
 */
export function withRunLine(comment: string, key: RunKey): string {
  const line = `\n<!-- gantry-run: ${formatRunKey(key)} -->\n`;
  return Buffer.byteLength(comment + line) <= SUMMARY_BYTES ? comment + line : comment;
}

/** A check run already on the commit: its id (a number in REST, a node id in GraphQL), status and key. */
export interface ExistingCheckRun<Id = number> {
  id: Id;
  status: string;
  external_id: string | null;
}

/**
 * How to write the check of run `key` given the newest runs of that name on the commit: nothing when
 * this run (or a later one) was already written, update a run still waiting (a re-run asked for),
 * otherwise create one.
 */
export function checkRunWrite<Id>(
  existing: readonly ExistingCheckRun<Id>[],
  key: RunKey,
): { kind: 'skip' } | { kind: 'update'; id: Id } | { kind: 'create' } {
  const written = existing.filter((r) => r.status === 'completed').map((r) => parseRunKey(r.external_id));
  if (written.some((w) => w && !isStale(w, key))) return { kind: 'skip' };
  const waiting = existing.find((r) => r.status !== 'completed');
  return waiting ? { kind: 'update', id: waiting.id } : { kind: 'create' };
}

/**
 * What to do with a model's results comment: the same results, or a later run's already there, leave it
 * (a late or repeated event changes nothing); otherwise update the comment, or create it.
 */
export function commentWrite<Id>(
  mine: { id: Id; body?: string | null | undefined } | undefined,
  body: string,
  key: RunKey,
): { kind: 'skip' } | { kind: 'update'; id: Id } | { kind: 'create' } {
  if (!mine) return { kind: 'create' };
  if (mine.body === body || isStale(key, parseRunKey(mine.body))) return { kind: 'skip' };
  return { kind: 'update', id: mine.id };
}
