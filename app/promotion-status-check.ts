import type { Context } from 'probot';
import { GantryError } from '../core/errors.js';
import {
  PROMOTION_CHECK_NAME,
  type PromotionCheckContent,
  promotionCheck,
  promotionCheckWrite,
} from '../core/promotion/promotion-check.js';
import { promotionStatus } from '../core/promotion/promotion-status.js';
import { isPromotionBranch, proposedMoves } from '../core/promotion/proposed-moves.js';
import { type RepositoryContext, readRegistry } from './app-registry.js';
import { changedEnvironments, environmentFiles, forkPointOf, promotionFacts } from './promotion-facts.js';

type PromotionContext = Context<
  | 'pull_request.opened'
  | 'pull_request.synchronize'
  | 'pull_request.reopened'
  | 'pull_request_review.submitted'
  | 'pull_request_review.dismissed'
  | 'pull_request_review.edited'
>;

/** Writes the one `gantry/promotion` check run of a head commit (core/promotion/promotion-check.ts decides how). */
async function upsertCheck(context: RepositoryContext, head: string, content: PromotionCheckContent) {
  const repo = context.repo();
  const { data } = await context.octokit.rest.checks.listForRef({
    ...repo,
    ref: head,
    check_name: PROMOTION_CHECK_NAME,
  });
  const latest = [...data.check_runs].sort((a, b) => b.id - a.id)[0];
  const write = promotionCheckWrite(latest, content);
  if (write.kind === 'skip') return;
  const fields = {
    status: content.status,
    ...(content.conclusion ? { conclusion: content.conclusion } : {}),
    output: { title: content.title, summary: content.summary },
  };
  if (write.kind === 'update')
    await context.octokit.rest.checks.update({ ...repo, check_run_id: write.id, ...fields });
  else
    await context.octokit.rest.checks.create({
      ...repo,
      name: PROMOTION_CHECK_NAME,
      head_sha: head,
      ...fields,
    });
}

/** A pull request as the check needs it: its number, base branch, head commit and author. */
interface PromotionPull {
  number: number;
  baseRef: string;
  head: string;
  author: string;
}

/** A pull request of the API or of an event, as the check needs it. */
const promotionPullOf = (pr: {
  number: number;
  base: { ref: string };
  head: { sha: string };
  user?: { login: string } | null;
}): PromotionPull => ({
  number: pr.number,
  baseRef: pr.base.ref,
  head: pr.head.sha,
  author: pr.user?.login ?? '',
});

/** Writes the `gantry/promotion` check of one pull request, if it changes environment files. */
async function refreshPromotionCheck(context: RepositoryContext, pr: PromotionPull): Promise<void> {
  const repo = context.repo();
  // Every pull request event comes here: one request tells whether this one is a promotion.
  const environments = await changedEnvironments(context.octokit, repo, pr.number);
  if (environments.length === 0) return;
  // What the environment runs now is on the base branch as it is, not as it was when the PR was opened.
  const { data: ref } = await context.octokit.rest.git.getRef({ ...repo, ref: `heads/${pr.baseRef}` });
  const pull = { number: pr.number, base: ref.object.sha, head: pr.head, author: pr.author };
  const forkPoint = await forkPointOf(context.octokit, repo, pull.base, pull.head);
  const files = await environmentFiles(context.octokit, repo, environments, { ...pull, forkPoint });
  let content: PromotionCheckContent;
  try {
    const moves = proposedMoves(files);
    const facts = await promotionFacts(context.octokit, repo, pull, moves, readRegistry(context));
    content = promotionCheck(promotionStatus(facts));
  } catch (error) {
    if (!(error instanceof GantryError)) throw error;
    content = {
      status: 'completed',
      conclusion: 'failure',
      title: 'the promotion cannot be read',
      summary: error.message,
    };
  }
  await upsertCheck(context, pull.head, content);
}

/**
 * The `gantry/promotion` check of a pull request that changes `.gantry/environments/`: green only when
 * each proposed move passed its gate against what the environment runs now and has its approvals on the
 * head commit (core/promotion/promotion-status.ts decides). Run again on every push and every review.
 */
export async function promotionStatusCheck(context: PromotionContext): Promise<void> {
  const pr = context.payload.pull_request;
  if (pr.state !== 'open') return;
  await refreshPromotionCheck(context, promotionPullOf(pr));
}

/**
 * After an environment moved, the other open promotion pull requests Gantry opened on the same base are
 * checked again: GitHub sends them no event, and a gate passed against the version that ran before no
 * longer clears them.
 */
export async function refreshOpenPromotions(
  context: RepositoryContext,
  base: string,
  merged: number,
): Promise<void> {
  const open = await context.octokit.paginate(context.octokit.rest.pulls.list, {
    ...context.repo(),
    state: 'open',
    base,
    per_page: 100,
  });
  for (const pr of open)
    if (pr.number !== merged && pr.base.ref === base && isPromotionBranch(pr.head.ref))
      await refreshPromotionCheck(context, promotionPullOf(pr));
}
