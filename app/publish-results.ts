import type { Context } from 'probot';
import type { ConfigCache } from '../core/app/config-cache.js';
import {
  gateCheckTarget,
  gateResultsWrites,
  noResultsCheck,
  pullsToComment,
  type ResultsRun,
} from '../core/app/gate-results-writes.js';
import { type ResultsArtifact, readResultsArtifact } from '../core/app/read-results-artifact.js';
import { GATE_CHECK_NAME } from '../core/report/check-run-output.js';
import { loadConfig } from './load-config.js';
import { readGateTargets } from './read-gate-targets.js';
import { writeCheckRun } from './write-check-run.js';
import { writeGateResults } from './write-gate-results.js';

type WorkflowRunContext = Context<'workflow_run.completed'>;

/**
 * A benchmark run that ended without results (it failed, or was cancelled) ends the `gantry/gate` run
 * waiting for it, so the check neither hangs nor blocks the next re-run. Nothing is created otherwise:
 * runs that had no model to measure upload nothing either.
 */
async function endWaitingCheck(
  context: WorkflowRunContext,
  run: ResultsRun,
  artifact: string,
): Promise<void> {
  const { data } = await context.octokit.rest.checks.listForRef({
    ...context.repo(),
    ref: run.headSha,
    check_name: GATE_CHECK_NAME,
  });
  const waiting = data.check_runs.find((r) => r.status !== 'completed');
  if (!waiting) return;
  await writeCheckRun(context, { ...gateCheckTarget(run), id: waiting.id }, noResultsCheck(run, artifact));
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
    const results: ResultsRun = {
      key: { run: run.id, attempt: run.run_attempt ?? 1 },
      headSha: run.head_sha,
      url: run.html_url,
      conclusion: run.conclusion,
    };
    if (!artifact) {
      if (run.path === `.github/workflows/${config.workflow}`)
        await endWaitingCheck(context, results, config.artifact);
      return;
    }

    let reading: ResultsArtifact;
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
    const named = (run.pull_requests ?? []).flatMap((pr) => (pr ? [pr.number] : []));
    const pulls = pullsToComment(named, reading.problems.length === 0 && config.comment);
    const targets = await readGateTargets(context, run.head_sha, pulls);
    const { check, comments } = gateResultsWrites(targets, reading, results, config.artifact);
    await writeGateResults(context, targets.repositoryId, check, comments);
  };
}
