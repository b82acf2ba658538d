import type { Context } from 'probot';
import {
  type CommentPageAnswer,
  commentPageQuery,
  commentsOf,
  type GateTargets,
  type GateTargetsAnswer,
  gateTargetsOf,
  gateTargetsRequest,
  type PullSelection,
} from '../core/app/gate-targets.js';

/**
 * The gate check's runs on `sha` and the app's comments on the chosen pull requests: one GraphQL request,
 * and one more per further page of a pull request with over 100 comments.
 */
export async function readGateTargets(
  context: Context,
  sha: string,
  pulls: PullSelection,
): Promise<GateTargets> {
  const { owner, repo } = context.repo();
  const { query, variables } = gateTargetsRequest(owner, repo, sha, pulls);
  const answer = await context.octokit.graphql<GateTargetsAnswer>(query, variables);
  const targets = gateTargetsOf(answer, pulls);
  for (const pull of targets.pulls) {
    let after = pull.moreAfter;
    while (after) {
      const page = await context.octokit.graphql<CommentPageAnswer>(commentPageQuery, { id: pull.id, after });
      const more = commentsOf(
        page.node?.comments ?? { pageInfo: { hasNextPage: false, endCursor: null }, nodes: [] },
      );
      pull.comments.push(...more.comments);
      after = more.moreAfter;
    }
  }
  return targets;
}
