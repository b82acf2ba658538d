import type { Context, Probot } from 'probot';
import { GitHubAuditLog } from '../core/audit/github-audit-log.js';
import { GantryError } from '../core/errors.js';
import { type PromotionStatus, promotionStatus } from '../core/promotion/promotion-status.js';
import { isReplacedMove, type ProposedMove, proposedMoves } from '../core/promotion/proposed-moves.js';
import {
  REFUSED_MERGE_MARKER,
  refusedMergeComment,
  refusedMergeEntries,
} from '../core/promotion/refused-merge.js';
import { auditedRegistry } from './app-registry.js';
import { botLogin } from './bot-login.js';
import { changedEnvironments, environmentFiles, promotionFacts } from './promotion-facts.js';
import { refreshOpenPromotions } from './promotion-status-check.js';

type ClosedContext = Context<'pull_request.closed'>;

/**
 * A merge that was not cleared is refused: an audit entry per move and one comment on the pull request
 * saying why, each written once however often the event comes.
 */
async function refuse(
  app: Probot,
  context: ClosedContext,
  moves: readonly ProposedMove[],
  status: PromotionStatus,
) {
  const pr = context.payload.pull_request;
  const repo = context.repo();
  const log = new GitHubAuditLog({ octokit: context.octokit, ...repo });
  const drafts = refusedMergeEntries(moves, status, (await log.verify()).entries, {
    time: pr.merged_at ?? new Date().toISOString(),
    actor: pr.merged_by?.login ?? context.payload.sender.login,
    links: { pull_request: pr.html_url, delivery: context.id },
  });
  for (const draft of drafts) await log.append(draft);
  const bot = await botLogin(app);
  const comments = await context.octokit.paginate(context.octokit.rest.issues.listComments, {
    ...repo,
    issue_number: pr.number,
    per_page: 100,
  });
  if (!comments.some((c) => c.user?.login === bot && c.body?.startsWith(REFUSED_MERGE_MARKER)))
    await context.octokit.rest.issues.createComment({
      ...repo,
      issue_number: pr.number,
      body: refusedMergeComment(status, pr.base.ref),
    });
}

/**
 * What a merge moved, and the base it moved from: the landed commit's first parent is the base branch
 * just before the merge (a merge commit, a squash, a one-commit rebase); the payload's base commit can
 * be older (other merges since the pull request was last updated), so it is only the fallback for a
 * rebase of several commits, where the first parent shows no move.
 */
async function mergedMoves(context: ClosedContext, environments: string[], landed: string) {
  const repo = context.repo();
  const { data: commit } = await context.octokit.rest.git.getCommit({ ...repo, commit_sha: landed });
  const bases = [commit.parents[0]?.sha, context.payload.pull_request.base.sha].filter(
    (sha): sha is string => sha !== undefined,
  );
  let found = { base: bases.at(-1)!, moves: [] as ProposedMove[] };
  for (const base of new Set(bases)) {
    const files = await environmentFiles(context.octokit, repo, environments, { base, head: landed });
    found = { base, moves: proposedMoves(files) };
    if (found.moves.length > 0) break;
  }
  return found;
}

/**
 * A merged promotion pull request, recorded: each move it made becomes the registry's promotion or
 * rollback (the release made final on production, a Deployment with its status, the audit entry) —
 * only when the merged head was cleared (gate and approvals, as `gantry/promotion` decides); a merge
 * past the check is refused and said so. The merge already wrote the environment file, so the registry
 * finds the version running and only completes what follows a move; a redelivery finds everything
 * done and changes nothing. A move that a later change of the environment has replaced is left as
 * history.
 */
export function recordPromotion(app: Probot) {
  return async function recordMergedPromotion(context: ClosedContext): Promise<void> {
    const pr = context.payload.pull_request;
    if (!pr.merged) return;
    const repo = context.repo();
    const environments = await changedEnvironments(context.octokit, repo, pr.number);
    if (environments.length === 0) return;
    const landed = pr.merge_commit_sha ?? pr.head.sha;
    let moved: { base: string; moves: ProposedMove[] };
    try {
      moved = await mergedMoves(context, environments, landed);
    } catch (error) {
      if (!(error instanceof GantryError)) throw error;
      return refuse(app, context, [], { conclusion: 'failure', title: error.message, requirements: [] });
    }
    const { base, moves } = moved;
    const registry = auditedRegistry(context, { pull_request: pr.html_url });
    const pull = { number: pr.number, base, head: pr.head.sha, author: pr.user?.login ?? '' };
    const status = promotionStatus(await promotionFacts(context.octokit, repo, pull, moves, registry));
    if (status.conclusion !== 'success') return refuse(app, context, moves, status);
    const actor = pr.merged_by?.login ?? context.payload.sender.login;
    for (const move of moves) {
      if (isReplacedMove(move, await registry.history(move.model, move.environment))) {
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
    await refreshOpenPromotions(context, pr.base.ref, pr.number);
  };
}
