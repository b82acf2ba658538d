import type { Context } from 'probot';
import { GantryError } from '../core/errors.js';
import { protectionDecision } from '../core/promotion/protection-decision.js';
import { readRegistry } from './app-registry.js';

/** The workflow run a protection-rule callback URL names (`…/actions/runs/RUN_ID/deployment_protection_rule`). */
function runIdOf(callbackUrl: string | undefined): number {
  const id = /\/actions\/runs\/(\d+)\/deployment_protection_rule$/.exec(
    callbackUrl ? new URL(callbackUrl).pathname : '',
  )?.[1];
  if (!id)
    throw new GantryError(
      'bad_callback_url',
      `deployment_protection_rule: the callback URL "${callbackUrl ?? ''}" names no workflow run`,
    );
  return Number(id);
}

/**
 * Gantry as a custom deployment protection rule: a deployment of a commit to an environment is approved
 * only when every model version recorded at that commit passed its gate against what the environment
 * runs (core/promotion/protection-decision.ts decides), and the answer says why. The answer goes to the
 * run the callback URL names, through the app's own API base (the token never goes to a URL read from a
 * payload); the same request answered again gives the same answer.
 */
export async function protectionRule(
  context: Context<'deployment_protection_rule.requested'>,
): Promise<void> {
  const payload = context.payload;
  const environment = payload.environment ?? '';
  // `sha` (the commit the workflow runs) is in GitHub's schema of the event, not yet in its types.
  const sha = payload.deployment?.sha ?? (payload as { sha?: string }).sha ?? '';
  const runId = runIdOf(payload.deployment_callback_url);
  const registry = readRegistry(context);
  // Only the versions of this commit are read in full, not every release of the repository.
  const [atCommit, pointers] = await Promise.all([registry.list({ gitSha: sha }), registry.environments()]);
  const decision = protectionDecision(
    environment,
    sha,
    atCommit,
    (model) => pointers.find((p) => p.model === model && p.environment === environment)?.version,
  );
  await context.octokit.rest.actions.reviewCustomGatesForRun({
    ...context.repo(),
    run_id: runId,
    environment_name: environment,
    state: decision.state,
    comment: decision.comment,
  });
}
