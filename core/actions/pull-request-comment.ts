import { Octokit } from '@octokit/rest';
import { runnerEvent } from './runner-event.js';

export interface CommentTarget {
  owner: string;
  repo: string;
  number: number;
}

/** The pull request an Actions run is about, from the runner's event payload; none for other events. */
export async function pullRequestOf(env: NodeJS.ProcessEnv): Promise<CommentTarget | undefined> {
  const event = await runnerEvent(env);
  if (!event || !['pull_request', 'pull_request_target'].includes(event.name)) return undefined;
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? event.payload.repository?.full_name ?? '').split('/');
  const number = event.payload.pull_request?.number;
  return owner && repo && number ? { owner, repo, number } : undefined;
}

/**
 * Creates the one comment of a pull request that starts with `marker`, or edits it in place when it is
 * already there: a re-run never adds a second comment.
 */
export async function upsertComment(
  target: CommentTarget,
  marker: string,
  body: string,
  auth: { token: string; baseUrl: string },
): Promise<{ id: number; url: string; created: boolean }> {
  const octokit = new Octokit({ auth: auth.token, baseUrl: auth.baseUrl });
  const where = { owner: target.owner, repo: target.repo };
  const comments = await octokit.paginate(octokit.rest.issues.listComments, {
    ...where,
    issue_number: target.number,
    per_page: 100,
  });
  const existing = comments.find((c) => c.body?.startsWith(marker));
  if (existing) {
    const { data } = await octokit.rest.issues.updateComment({ ...where, comment_id: existing.id, body });
    return { id: data.id, url: data.html_url, created: false };
  }
  const { data } = await octokit.rest.issues.createComment({ ...where, issue_number: target.number, body });
  return { id: data.id, url: data.html_url, created: true };
}
