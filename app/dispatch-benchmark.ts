import type { Context } from 'probot';
import { httpStatus, unlessNotFound } from '../core/github-client.js';
import type { AppConfig } from '../schemas/app-config.js';

export type DispatchOutcome = { ok: true } | { ok: false; reason: string };

/**
 * Starts the benchmark workflow on `branch`, but only while that branch still points at `headSha`: the
 * run must measure the commit that was asked about, and a fork's branch (absent here, or another branch
 * of the same name) never reaches the repository's runners.
 */
export async function dispatchBenchmark(
  context: Context,
  config: AppConfig,
  target: { branch: string | null; headSha: string; inputs?: Record<string, string> },
): Promise<DispatchOutcome> {
  const { owner, repo } = context.repo();
  if (!target.branch) return { ok: false, reason: 'the commit is on no branch of this repository' };
  const ref = await unlessNotFound(
    context.octokit.rest.git.getRef({ owner, repo, ref: `heads/${target.branch}` }),
  );
  const at = ref?.data.object.sha;
  if (at !== target.headSha)
    return {
      ok: false,
      reason: at
        ? `branch ${target.branch} has moved on to ${at.slice(0, 7)}: ask again on the new commit`
        : `branch ${target.branch} is not in this repository (pull requests from forks do not run on Gantry's runners)`,
    };
  try {
    await context.octokit.rest.actions.createWorkflowDispatch({
      owner,
      repo,
      workflow_id: config.workflow,
      ref: target.branch,
      ...(target.inputs && Object.keys(target.inputs).length ? { inputs: target.inputs } : {}),
    });
    return { ok: true };
  } catch (error) {
    const status = httpStatus(error);
    if (status === 404)
      return {
        ok: false,
        reason: `no workflow .github/workflows/${config.workflow} (set \`workflow\` in .github/gantry.yml)`,
      };
    if (status === 422)
      return { ok: false, reason: `GitHub refused to start ${config.workflow}: ${(error as Error).message}` };
    throw error;
  }
}
