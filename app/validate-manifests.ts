import { posix } from 'node:path';
import type { Context } from 'probot';
import { MANIFEST_CHECK_NAME, manifestCheck } from '../core/checks/manifest-check.js';
import { fileText } from '../core/github-client.js';
import { isManifestPath } from '../core/manifest/find-manifests.js';
import { parseManifest } from '../core/manifest/parse-manifest.js';
import { treePathExists } from '../core/plan/tree-path-exists.js';
import { writeCheckRun } from './write-check-run.js';

type PullRequestContext = Context<
  'pull_request.opened' | 'pull_request.synchronize' | 'pull_request.reopened'
>;

/**
 * Checks the manifests a pull request changes and reports them as the `gantry/manifest` check run,
 * each problem annotated on its line. A repeated delivery for the same head commit changes nothing.
 */
export async function validateManifests(context: PullRequestContext): Promise<void> {
  const { owner, repo } = context.repo();
  const head = context.payload.pull_request.head.sha;
  const existing = await context.octokit.rest.checks.listForRef({
    owner,
    repo,
    ref: head,
    check_name: MANIFEST_CHECK_NAME,
  });
  if (existing.data.check_runs.some((run) => run.status === 'completed')) return;

  const files = await context.octokit.paginate(context.octokit.rest.pulls.listFiles, {
    owner,
    repo,
    pull_number: context.payload.pull_request.number,
    per_page: 100,
  });
  const changed = files
    .filter((f) => f.status !== 'removed' && isManifestPath(f.filename))
    .map((f) => f.filename);
  const tree = changed.length
    ? (
        await context.octokit.rest.git.getTree({ owner, repo, tree_sha: head, recursive: 'true' })
      ).data.tree.map((t) => t.path ?? '')
    : [];
  const exists = treePathExists(tree);
  const manifests = await Promise.all(
    changed.map(async (path) => {
      const text = (await fileText(context.octokit, { owner, repo }, path, head)) ?? '';
      const folder = posix.dirname(path);
      const { diagnostics } = parseManifest(text, path, {
        pathExists: (p) => exists(posix.normalize(posix.join(folder, p))),
      });
      return { path, diagnostics };
    }),
  );

  const check = manifestCheck(manifests);
  await writeCheckRun(context, { name: MANIFEST_CHECK_NAME, head_sha: head }, check);
}
