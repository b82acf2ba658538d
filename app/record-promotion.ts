import type { Context } from 'probot';
import { GantryError } from '../core/errors.js';
import { proposedMoves } from '../core/promotion/proposed-moves.js';
import { auditedRegistry } from './app-registry.js';
import { changedEnvironments, environmentFiles } from './promotion-facts.js';

/**
 * A merged promotion pull request, recorded: each move it made becomes the registry's promotion or
 * rollback (the release made final on production, a Deployment with its status, the audit entry).
 * The merge already wrote the environment file, so the registry finds the version running and only
 * completes what follows a move; a redelivery finds everything done and changes nothing. A move that a
 * later change of the environment has already replaced is left as history.
 */
export async function recordPromotion(context: Context<'pull_request.closed'>): Promise<void> {
  const pr = context.payload.pull_request;
  if (!pr.merged) return;
  const repo = context.repo();
  const environments = await changedEnvironments(context.octokit, repo, pr.number);
  if (environments.length === 0) return;
  const files = await environmentFiles(context.octokit, repo, environments, {
    base: pr.base.sha,
    head: pr.merge_commit_sha ?? pr.head.sha,
  });
  const registry = auditedRegistry(context, { pull_request: pr.html_url });
  const actor = pr.merged_by?.login ?? context.payload.sender.login;
  for (const move of proposedMoves(files)) {
    const history = await registry.history(move.model, move.environment);
    const replaced =
      history.at(-1)?.to !== move.version &&
      history.some((e) => e.seq > move.baseSeq && e.to === move.version);
    if (replaced) {
      context.log.info({ move }, 'promotion already replaced by a later change: left as history');
      continue;
    }
    try {
      await registry.promote({
        model: move.model,
        version: move.version,
        environment: move.environment,
        actor,
        note: `merged ${pr.html_url}`,
      });
    } catch (error) {
      if (!(error instanceof GantryError)) throw error;
      context.log.warn({ move, code: error.code }, error.message);
    }
  }
}
