import type { CheckRunContent, CheckRunTarget } from '../checks/check-run-content.js';
import { GATE_CHECK_NAME } from '../report/check-run-output.js';
import { commentMarker, prComment } from '../report/pr-comment.js';
import {
  checkRunWrite,
  commentWrite,
  formatRunKey,
  gateCheck,
  RERUN_ACTION,
  type RunKey,
  reportInput,
  unreadableResultsCheck,
  withRunLine,
} from './gate-check.js';
import type { GateCheckWrite, GateCommentWrite } from './gate-mutation.js';
import type { GatePull, GateTargets, PullSelection } from './gate-targets.js';
import type { ResultsArtifact } from './read-results-artifact.js';

/** The workflow run whose results are being published. */
export interface ResultsRun {
  key: RunKey;
  headSha: string;
  url: string;
  /** How the run ended, for a check that has no results to show. */
  conclusion?: string | null;
}

/** `gantry/gate` of a run, keyed by it, with the Re-run button. */
export function gateCheckTarget(run: ResultsRun): Omit<CheckRunTarget, 'id'> {
  return {
    name: GATE_CHECK_NAME,
    head_sha: run.headSha,
    external_id: formatRunKey(run.key),
    details_url: run.url,
    actions: [{ ...RERUN_ACTION }],
  };
}

/** The check that ends a `gantry/gate` waiting for a run that ended without results. */
export function noResultsCheck(run: ResultsRun, artifact: string): CheckRunContent {
  return {
    conclusion: 'failure',
    title: 'The benchmark run ended without results',
    summary: `[The benchmark run](${run.url}) ended (${run.conclusion ?? 'unknown'}) without uploading \`${artifact}\`: nothing was judged. Re-run the benchmark once it is fixed.\n`,
    annotations: [],
  };
}

/**
 * Which pull requests to read for comments: none when no comment is written (unreadable results, or
 * comments switched off), those the run names, or (a dispatched run names none) those of its commit.
 */
export function pullsToComment(named: readonly number[], comment: boolean): PullSelection {
  if (!comment) return [];
  return named.length ? named : 'of-head-commit';
}

/** Each model's one comment on a pull request (found by its hidden marker): created, updated or left. */
function commentWrites(
  pull: GatePull,
  reports: ResultsArtifact['reports'],
  run: ResultsRun,
): GateCommentWrite[] {
  return reports.flatMap(({ report }): GateCommentWrite[] => {
    const body = withRunLine(prComment(reportInput(report, run.url)), run.key);
    const mine = pull.comments.find((c) => c.body.startsWith(commentMarker(report.model)));
    const write = commentWrite(mine, body, run.key);
    if (write.kind === 'create') return [{ kind: 'create', subjectId: pull.id, body }];
    return write.kind === 'update' ? [{ kind: 'update', id: write.id, body }] : [];
  });
}

/**
 * What a run's results write, given what is there already: the check (none when this run or a later
 * one wrote it; an update of one waiting for it), then one comment per model and pull request.
 */
export function gateResultsWrites(
  targets: GateTargets,
  reading: ResultsArtifact,
  run: ResultsRun,
  artifact: string,
): { check?: GateCheckWrite; comments: GateCommentWrite[] } {
  const write = checkRunWrite(targets.checkRuns, run.key);
  const valid = reading.problems.length === 0;
  const content = valid
    ? gateCheck(
        reading.reports.map((r) => r.report),
        run.url,
      )
    : unreadableResultsCheck(reading.problems, artifact);
  return {
    ...(write.kind === 'skip'
      ? {}
      : {
          check: {
            target: { ...gateCheckTarget(run), ...(write.kind === 'update' ? { checkRunId: write.id } : {}) },
            content,
          },
        }),
    comments: valid ? targets.pulls.flatMap((pull) => commentWrites(pull, reading.reports, run)) : [],
  };
}
