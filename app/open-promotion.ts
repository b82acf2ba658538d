import type { Context } from 'probot';
import {
  type EnvironmentRequest,
  environmentChange,
  environmentPath,
} from '../core/commands/environment-change.js';
import { fileText } from '../core/github-client.js';

export interface PromotionPull {
  number: number;
  url: string;
  /** true when an open pull request already proposed the same change. */
  existing: boolean;
}

/**
 * Opens the pull request that changes `.gantry/environments/<env>.yml` on the default branch, through the
 * Git Data API (blob, tree, commit, branch) so nothing is checked out. The branch names the change, so the
 * same request again finds the pull request it opened.
 */
export async function openPromotion(
  context: Context,
  request: EnvironmentRequest,
  by: { actor: string; note: string },
): Promise<PromotionPull> {
  const { owner, repo } = context.repo();
  const base = (context.payload as { repository: { default_branch: string } }).repository.default_branch;
  const { data: ref } = await context.octokit.rest.git.getRef({ owner, repo, ref: `heads/${base}` });
  const baseSha = ref.object.sha;
  const path = environmentPath(request.environment);
  const current = await fileText(context.octokit, { owner, repo }, path, baseSha);
  const change = environmentChange(current, request, { ...by, now: new Date() });

  const { data: open } = await context.octokit.rest.pulls.list({
    owner,
    repo,
    head: `${owner}:${change.branch}`,
    state: 'open',
  });
  if (open[0]) return { number: open[0].number, url: open[0].html_url, existing: true };

  const { data: baseCommit } = await context.octokit.rest.git.getCommit({ owner, repo, commit_sha: baseSha });
  const { data: blob } = await context.octokit.rest.git.createBlob({
    owner,
    repo,
    content: change.text,
    encoding: 'utf-8',
  });
  const { data: tree } = await context.octokit.rest.git.createTree({
    owner,
    repo,
    base_tree: baseCommit.tree.sha,
    tree: [{ path: change.path, mode: '100644', type: 'blob', sha: blob.sha }],
  });
  const { data: commit } = await context.octokit.rest.git.createCommit({
    owner,
    repo,
    message: `${change.title}\n\n${by.note}`,
    tree: tree.sha,
    parents: [baseSha],
  });
  await context.octokit.rest.git
    .createRef({ owner, repo, ref: `refs/heads/${change.branch}`, sha: commit.sha })
    .catch(async (error: { status?: number }) => {
      // The branch is left from an earlier attempt whose pull request was closed: point it at this change.
      if (error.status !== 422) throw error;
      await context.octokit.rest.git.updateRef({
        owner,
        repo,
        ref: `heads/${change.branch}`,
        sha: commit.sha,
        force: true,
      });
    });
  const { data: pull } = await context.octokit.rest.pulls.create({
    owner,
    repo,
    title: change.title,
    head: change.branch,
    base,
    body: change.body,
  });
  return { number: pull.number, url: pull.html_url, existing: false };
}
