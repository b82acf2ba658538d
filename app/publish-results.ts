import type { Context } from 'probot';
import type { ConfigCache } from '../core/app/config-cache.js';
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
} from '../core/app/gate-check.js';
import type { GateCommentWrite } from '../core/app/gate-mutation.js';
import type { GatePull } from '../core/app/gate-targets.js';
import { readResultsArtifact } from '../core/app/read-results-artifact.js';
import { GATE_CHECK_NAME } from '../core/report/check-run-output.js';
import { commentMarker, prComment } from '../core/report/pr-comment.js';
import type { GateReport } from '../schemas/gate-report.js';
import { loadConfig } from './load-config.js';
import { readGateTargets } from './read-gate-targets.js';
import { writeCheckRun } from './write-check-run.js';
import { writeGateResults } from './write-gate-results.js';

type WorkflowRunContext = Context<'workflow_run.completed'>;

/** Each model's one comment on a pull request (found by its hidden marker): created, updated or left. */
function commentWrites(
  pull: GatePull,
  reports: readonly GateReport[],
  key: RunKey,
  runUrl: string,
): GateCommentWrite[] {
  return reports.flatMap((report): GateCommentWrite[] => {
    const body = withRunLine(prComment(reportInput(report, runUrl)), key);
    const mine = pull.comments.find((c) => c.body.startsWith(commentMarker(report.model)));
    const write = commentWrite(mine, body, key);
    if (write.kind === 'create') return [{ kind: 'create', subjectId: pull.id, body }];
    return write.kind === 'update' ? [{ kind: 'update', id: write.id, body }] : [];
  });
}

/**
 * A benchmark run that ended without results (it failed, or was cancelled) ends the `gantry/gate` run
 * waiting for it, so the check neither hangs nor blocks the next re-run. Nothing is created otherwise:
 * runs that had no model to measure upload nothing either.
 */
async function endWaitingCheck(context: WorkflowRunContext, key: RunKey, artifact: string): Promise<void> {
  const run = context.payload.workflow_run;
  const { data } = await context.octokit.rest.checks.listForRef({
    ...context.repo(),
    ref: run.head_sha,
    check_name: GATE_CHECK_NAME,
  });
  const waiting = data.check_runs.find((r) => r.status !== 'completed');
  if (!waiting) return;
  await writeCheckRun(
    context,
    {
      name: GATE_CHECK_NAME,
      head_sha: run.head_sha,
      id: waiting.id,
      external_id: formatRunKey(key),
      details_url: run.html_url,
      actions: [{ ...RERUN_ACTION }],
    },
    {
      conclusion: 'failure',
      title: 'The benchmark run ended without results',
      summary: `[The benchmark run](${run.html_url}) ended (${run.conclusion ?? 'unknown'}) without uploading \`${artifact}\`: nothing was judged. Re-run the benchmark once it is fixed.\n`,
      annotations: [],
    },
  );
}

/**
 * On a finished workflow run that uploaded Gantry's results artifact: the `gantry/gate` check run on its
 * head commit and one comment per model on each of its pull requests. Keyed by run and attempt, so a
 * redelivered or repeated event writes nothing new.
 */
export function publishResults(configs: ConfigCache) {
  return async (context: WorkflowRunContext): Promise<void> => {
    const run = context.payload.workflow_run;
    // A fork's run executes the fork's workflow file, so its artifact could say anything: it is never
    // taken as results (forks do not run on Gantry's runners in the first place).
    if (run.head_repository?.id !== context.payload.repository.id) {
      context.log.info(
        { run: run.id, head: run.head_repository?.full_name },
        'results of a fork run ignored',
      );
      return;
    }
    const config = await loadConfig(context, run.head_sha, configs);
    if (!config) return;
    const { owner, repo } = context.repo();
    const { data: listed } = await context.octokit.rest.actions.listWorkflowRunArtifacts({
      owner,
      repo,
      run_id: run.id,
      name: config.artifact,
    });
    // A re-run attempt uploads the artifact again: the newest is this attempt's.
    const artifact = listed.artifacts
      .filter((a) => a.name === config.artifact)
      .sort((a, b) => b.id - a.id)[0];
    const key = { run: run.id, attempt: run.run_attempt ?? 1 };
    if (!artifact) {
      if (run.path === `.github/workflows/${config.workflow}`)
        await endWaitingCheck(context, key, config.artifact);
      return;
    }

    let reading: ReturnType<typeof readResultsArtifact>;
    if (artifact.expired) reading = { reports: [], problems: ['the artifact has expired'] };
    else {
      const { data } = await context.octokit.rest.actions.downloadArtifact({
        owner,
        repo,
        artifact_id: artifact.id,
        archive_format: 'zip',
      });
      reading = readResultsArtifact(new Uint8Array(data as ArrayBuffer));
    }
    const valid = reading.problems.length === 0;
    const reports = reading.reports.map((r) => r.report);
    const named = (run.pull_requests ?? []).flatMap((pr) => (pr ? [pr.number] : []));
    // A dispatched run names no pull request: those whose head is its commit are found instead.
    const pulls = valid && config.comment ? (named.length ? named : 'of-head-commit') : [];
    const targets = await readGateTargets(context, run.head_sha, pulls);
    const checkWrite = checkRunWrite(targets.checkRuns, key);
    const check =
      checkWrite.kind === 'skip'
        ? undefined
        : {
            target: {
              name: GATE_CHECK_NAME,
              head_sha: run.head_sha,
              external_id: formatRunKey(key),
              details_url: run.html_url,
              actions: [{ ...RERUN_ACTION }],
              ...(checkWrite.kind === 'update' ? { checkRunId: checkWrite.id } : {}),
            },
            content: valid
              ? gateCheck(reports, run.html_url)
              : unreadableResultsCheck(reading.problems, config.artifact),
          };
    const comments = targets.pulls.flatMap((pull) => commentWrites(pull, reports, key, run.html_url));
    await writeGateResults(context, targets.repositoryId, check, comments);
  };
}
