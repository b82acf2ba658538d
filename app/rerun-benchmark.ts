import type { Context } from 'probot';
import type { ConfigCache } from '../core/app/config-cache.js';
import { RERUN_ACTION } from '../core/app/gate-check.js';
import { GATE_CHECK_NAME } from '../core/report/check-run-output.js';
import { dispatchBenchmark } from './dispatch-benchmark.js';
import { loadConfig } from './load-config.js';

type CheckRunContext = Context<'check_run.rerequested' | 'check_run.requested_action'>;

/**
 * "Re-run benchmark" on `gantry/gate` (or GitHub's re-run of the check): dispatches the benchmark workflow
 * and leaves a queued `gantry/gate` run that the results will complete. While one is queued, asking again
 * (or a redelivery of the request) changes nothing.
 */
export function rerunBenchmark(configs: ConfigCache) {
  return async function rerunBenchmark(context: CheckRunContext): Promise<void> {
    const { check_run: run } = context.payload;
    if (run.name !== GATE_CHECK_NAME) return;
    if (
      context.payload.action === 'requested_action' &&
      context.payload.requested_action?.identifier !== RERUN_ACTION.identifier
    )
      return;
    const config = await loadConfig(context, run.head_sha, configs);
    if (!config) return;
    const { owner, repo } = context.repo();
    const { data } = await context.octokit.rest.checks.listForRef({
      owner,
      repo,
      ref: run.head_sha,
      check_name: GATE_CHECK_NAME,
    });
    if (data.check_runs.some((r) => r.status !== 'completed')) return;
    const branch = run.check_suite?.head_branch ?? null;
    const outcome = await dispatchBenchmark(context, config, { branch, headSha: run.head_sha });
    if (!outcome.ok) {
      context.log.warn({ reason: outcome.reason }, 'benchmark re-run not started');
      return;
    }
    await context.octokit.rest.checks.create({
      owner,
      repo,
      name: GATE_CHECK_NAME,
      head_sha: run.head_sha,
      status: 'queued',
      external_id: `rerun:${context.id}`,
      output: {
        title: 'Benchmark re-run requested',
        summary: `@${context.payload.sender.login} asked for a re-run: ${config.workflow} was started on ${branch}. This check completes with its results.`,
      },
    });
  };
}
