import { createRequire } from 'node:module';

/** Response bodies in GitHub's documented shapes, filled from the simulator's state. */

const API = 'https://api.github.com';

export function user(login: string, id: number, type: 'User' | 'Bot' | 'Organization' = 'User') {
  const url = `${API}/users/${encodeURIComponent(login)}`;
  return {
    login,
    id,
    node_id: `U_${id}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${id}`,
    gravatar_id: '',
    url,
    html_url:
      type === 'Bot'
        ? `https://github.com/apps/${login.replace(/\[bot\]$/, '')}`
        : `https://github.com/${login}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type,
    site_admin: false,
  };
}

/** A stable numeric id for a login, so the same person has the same id in every body. */
export function userId(login: string): number {
  let id = 7;
  for (const c of login) id = (id * 31 + c.charCodeAt(0)) % 1_000_000;
  return id + 1;
}

/** Global node ids: opaque to clients, and naming their repository so the simulator can find them. */
const nodeScope = (full: string) => Buffer.from(full).toString('base64url');
export const repositoryNodeId = (full: string) => `R_${nodeScope(full)}`;
export const pullNodeId = (full: string, number: number) => `PR_${nodeScope(full)}.${number}`;
export function parseNodeId(id: string): { kind: string; full: string; number?: number } | undefined {
  const found = /^([A-Z]+)_([A-Za-z0-9_-]+)(?:\.(\d+))?$/.exec(id);
  if (!found) return undefined;
  const full = Buffer.from(found[2]!, 'base64url').toString('utf8');
  return { kind: found[1]!, full, ...(found[3] ? { number: Number(found[3]) } : {}) };
}

export const APP_SLUG = 'gantry';
export const BOT_LOGIN = `${APP_SLUG}[bot]`;

export const botUser = () => user(BOT_LOGIN, 99_000, 'Bot');
export const person = (login: string) => (login === BOT_LOGIN ? botUser() : user(login, userId(login)));

export function integration() {
  return {
    id: 1,
    slug: APP_SLUG,
    node_id: 'A_1',
    client_id: 'Iv1.simulated',
    owner: user('acme', 1, 'Organization'),
    name: 'Gantry',
    description: null,
    external_url: 'https://example.com',
    html_url: `https://github.com/apps/${APP_SLUG}`,
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    permissions: { checks: 'write' },
    events: ['pull_request'],
  };
}

const notFound = { status: 404, body: { message: 'Not Found', documentation_url: '' } };
export const NOT_FOUND = () => notFound;

export function issueComment(
  full: string,
  c: { id: number; issue: number; body: string; user: string },
  at = '2026-11-23T10:00:00Z',
) {
  return {
    id: c.id,
    node_id: `IC_${c.id}`,
    url: `${API}/repos/${full}/issues/comments/${c.id}`,
    html_url: `https://github.com/${full}/pull/${c.issue}#issuecomment-${c.id}`,
    issue_url: `${API}/repos/${full}/issues/${c.issue}`,
    body: c.body,
    user: person(c.user),
    created_at: at,
    updated_at: at,
    author_association: c.user === BOT_LOGIN ? 'NONE' : 'MEMBER',
  };
}

export function reaction(r: { id: number; content: string; user: string }) {
  return {
    id: r.id,
    node_id: `R_${r.id}`,
    user: person(r.user),
    content: r.content,
    created_at: '2026-11-23T10:00:00Z',
  };
}

export function artifact(
  full: string,
  a: { id: number; run: number; name: string; size: number; expired: boolean },
) {
  const url = `${API}/repos/${full}/actions/artifacts/${a.id}`;
  return {
    id: a.id,
    node_id: `AR_${a.id}`,
    name: a.name,
    size_in_bytes: a.size,
    url,
    archive_download_url: `${url}/zip`,
    expired: a.expired,
    created_at: '2026-11-23T10:00:00Z',
    expires_at: '2027-02-21T10:00:00Z',
    updated_at: '2026-11-23T10:00:00Z',
    digest: null,
    workflow_run: {
      id: a.run,
      repository_id: 1,
      head_repository_id: 1,
      head_branch: 'main',
      head_sha: 'a'.repeat(40),
    },
  };
}

export function gitRef(full: string, ref: string, sha: string) {
  return {
    ref,
    node_id: `REF_${sha.slice(0, 8)}`,
    url: `${API}/repos/${full}/git/${ref}`,
    object: { type: 'commit', sha, url: `${API}/repos/${full}/git/commits/${sha}` },
  };
}

const signature = { name: 'Gantry', email: 'gantry@users.noreply.github.com', date: '2026-11-23T10:00:00Z' };

export function gitCommit(
  full: string,
  sha: string,
  info: { tree: string; parents: string[]; message: string },
) {
  return {
    sha,
    node_id: `C_${sha.slice(0, 8)}`,
    url: `${API}/repos/${full}/git/commits/${sha}`,
    html_url: `https://github.com/${full}/commit/${sha}`,
    author: signature,
    committer: signature,
    tree: { sha: info.tree, url: `${API}/repos/${full}/git/trees/${info.tree}` },
    message: info.message,
    parents: info.parents.map((p) => ({
      sha: p,
      url: `${API}/repos/${full}/git/commits/${p}`,
      html_url: `https://github.com/${full}/commit/${p}`,
    })),
    verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
  };
}

/** A commit as the commits list returns it. */
export function commitListEntry(
  full: string,
  sha: string,
  info: { tree: string; parents: string[]; message: string },
) {
  const git = gitCommit(full, sha, info);
  return {
    url: `${API}/repos/${full}/commits/${sha}`,
    sha,
    node_id: git.node_id,
    html_url: git.html_url,
    comments_url: `${API}/repos/${full}/commits/${sha}/comments`,
    commit: {
      url: git.url,
      author: signature,
      committer: signature,
      message: info.message,
      comment_count: 0,
      tree: git.tree,
    },
    author: null,
    committer: null,
    parents: git.parents,
  };
}

const examples = createRequire(import.meta.url)('@octokit/webhooks-examples') as {
  name: string;
  examples: Record<string, unknown>[];
}[];
/** GitHub's own example of a pull request: its many URL fields and repository objects are reused. */
const examplePull = examples
  .find((e) => e.name === 'pull_request')!
  .examples.find((e) => e.action === 'opened')!.pull_request as Record<string, unknown> & {
  head: Record<string, unknown>;
  base: Record<string, unknown>;
};

export interface PullState {
  number: number;
  title: string;
  body: string;
  user: string;
  state: 'open' | 'closed';
  head: { ref: string; sha: string; repo: string };
  base: { ref: string; sha: string };
}

export function pull(full: string, p: PullState) {
  const [owner, name] = full.split('/') as [string, string];
  const repo = (repoFull: string) => ({
    ...(examplePull.base.repo as object),
    full_name: repoFull,
    name: repoFull.split('/')[1],
    owner: user(repoFull.split('/')[0]!, userId(repoFull.split('/')[0]!)),
    fork: repoFull !== full,
  });
  const url = `${API}/repos/${full}/pulls/${p.number}`;
  return {
    ...examplePull,
    url,
    id: 500_000 + p.number,
    node_id: pullNodeId(full, p.number),
    html_url: `https://github.com/${full}/pull/${p.number}`,
    issue_url: `${API}/repos/${full}/issues/${p.number}`,
    number: p.number,
    state: p.state,
    title: p.title,
    body: p.body,
    user: person(p.user),
    head: {
      ...examplePull.head,
      label: `${p.head.repo.split('/')[0]}:${p.head.ref}`,
      ref: p.head.ref,
      sha: p.head.sha,
      user: user(p.head.repo.split('/')[0]!, userId(p.head.repo.split('/')[0]!)),
      repo: repo(p.head.repo),
    },
    base: {
      ...examplePull.base,
      label: `${owner}:${p.base.ref}`,
      ref: p.base.ref,
      sha: p.base.sha,
      user: user(owner, userId(owner)),
      repo: { ...repo(full), name },
    },
    auto_merge: null,
    merged: false,
    merged_at: null,
    merge_commit_sha: null,
    closed_at: null,
  };
}
