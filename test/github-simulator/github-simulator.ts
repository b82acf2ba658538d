import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { GraphqlEndpoint } from './graphql-endpoint.js';
import { GitHubOpenApi } from './openapi-validator.js';
import {
  artifact,
  BOT_LOGIN,
  commitListEntry,
  gitCommit,
  gitRef,
  integration,
  issueComment,
  NOT_FOUND,
  type PullState,
  person,
  pull,
  reaction,
} from './simulated-bodies.js';
import { WebhookDeliveries } from './webhook-deliveries.js';

let openApi: GitHubOpenApi | undefined;

/** Parsing GitHub's description takes most of a second: once per test process. */
function githubOpenApi(): GitHubOpenApi {
  openApi ??= new GitHubOpenApi();
  return openApi;
}

export interface SimulatedCheckRun {
  id: number;
  name: string;
  head_sha: string;
  status: string;
  conclusion: string | null;
  external_id: string;
  details_url: string | null;
  output: { title?: string; summary?: string; text?: string; annotations?: unknown[] };
  annotations: unknown[];
  actions: { label: string; description: string; identifier: string }[];
}

export interface SimulatedPull extends PullState {
  files: { filename: string; status: string }[];
}

export interface SimulatedComment {
  id: number;
  issue: number;
  body: string;
  user: string;
}

export interface SimulatedReaction {
  id: number;
  comment: number;
  content: string;
  user: string;
}

export interface SimulatedDispatch {
  workflow: string;
  ref: string;
  inputs: Record<string, unknown>;
}

interface CommitInfo {
  tree: string;
  parents: string[];
  message: string;
}

export interface Repository {
  /** Files of each commit and each tree, by SHA, then by path. */
  commits: Map<string, Map<string, string>>;
  commitInfo: Map<string, CommitInfo>;
  blobs: Map<string, string>;
  branches: Map<string, string>;
  defaultBranch: string;
  pulls: Map<number, SimulatedPull>;
  checkRuns: SimulatedCheckRun[];
  comments: SimulatedComment[];
  reactions: SimulatedReaction[];
  /** Collaborators by login with their role: read, triage, write, maintain or admin. */
  collaborators: Map<string, string>;
  /** Workflow files under .github/workflows that can be dispatched. */
  workflows: Set<string>;
  dispatches: SimulatedDispatch[];
  artifacts: { id: number; run: number; name: string; zip: Uint8Array; expired: boolean }[];
}

interface Reply {
  status: number;
  body?: unknown;
  /** A body sent as it is, not as JSON (raw media types); not checked against a JSON schema. */
  raw?: string;
  headers?: Record<string, string>;
}

type Handler = (
  params: Record<string, string>,
  query: URLSearchParams,
  body: unknown,
  accept: string,
  /** The file an upload sends (release assets go to the uploads host as they are, not as JSON). */
  upload?: string,
) => Reply;

export type { Handler, Reply };

const sha = (text: string) => createHash('sha1').update(text).digest('hex');

/** `permission` as GitHub derives it from a role: maintain reads as write, triage as read. */
const PERMISSION_OF_ROLE: Record<string, string> = {
  admin: 'admin',
  maintain: 'write',
  write: 'write',
  triage: 'read',
  read: 'read',
};

/**
 * A stateful stand-in for api.github.com, over real HTTP, for the endpoints the app uses. Every request
 * is checked against GitHub's OpenAPI description and refused (422/404) where GitHub would refuse it;
 * every response it sends is checked too. Both kinds of mismatch are collected in `violations`, which a
 * test asserts is empty. Artifact archives are served from `/_storage/`, as GitHub redirects downloads to
 * its storage host.
 */
export class GitHubSimulator {
  readonly violations: string[] = [];
  readonly calls: { method: string; path: string; status: number }[] = [];
  private readonly repos = new Map<string, Repository>();
  private readonly api = githubOpenApi();
  private readonly graphql = new GraphqlEndpoint(this);
  /** The webhooks GitHub sends the app, their log and redeliveries. */
  readonly webhooks = new WebhookDeliveries(() => this.newId());
  private readonly faults: { method: string; template: string; status: number; times: number }[] = [];
  private server?: Server;
  private nextId = 1000;
  url = '';

  repository(fullName: string): Repository {
    let repo = this.repos.get(fullName);
    if (!repo) {
      repo = {
        commits: new Map(),
        commitInfo: new Map(),
        blobs: new Map(),
        branches: new Map(),
        defaultBranch: 'main',
        pulls: new Map(),
        checkRuns: [],
        comments: [],
        reactions: [],
        collaborators: new Map(),
        workflows: new Set(),
        dispatches: [],
        artifacts: [],
      };
      this.repos.set(fullName, repo);
    }
    return repo;
  }

  /** Records a commit's files (on `branch` when given, after its head); returns its SHA. */
  commit(
    fullName: string,
    files: Record<string, string>,
    options: { branch?: string; message?: string } = {},
  ): string {
    const repo = this.repository(fullName);
    const tree = this.storeTree(repo, new Map(Object.entries(files)));
    const parent = options.branch ? repo.branches.get(options.branch) : undefined;
    const id = this.storeCommit(repo, {
      tree,
      parents: parent ? [parent] : [],
      message: options.message ?? 'commit',
    });
    if (options.branch) repo.branches.set(options.branch, id);
    return id;
  }

  pullRequest(
    fullName: string,
    number: number,
    head: string,
    changed: string[],
    options: { ref?: string; user?: string; headRepo?: string } = {},
  ): void {
    const repo = this.repository(fullName);
    const ref = options.ref ?? `change-${number}`;
    if (!options.headRepo || options.headRepo === fullName) repo.branches.set(ref, head);
    repo.pulls.set(number, {
      number,
      title: `Change ${number}`,
      body: '',
      user: options.user ?? 'octocat',
      state: 'open',
      head: { ref, sha: head, repo: options.headRepo ?? fullName },
      base: { ref: repo.defaultBranch, sha: repo.branches.get(repo.defaultBranch) ?? head },
      files: changed.map((filename) => ({ filename, status: 'modified' })),
    });
  }

  /** A finished workflow run's artifact, as `actions/upload-artifact` leaves it. */
  artifact(fullName: string, run: number, name: string, zip: Uint8Array, expired = false): void {
    this.repository(fullName).artifacts.push({ id: this.newId(), run, name, zip, expired });
  }

  /** The next `times` requests to an endpoint fail with `status` (502, 500, 403 …). */
  fail(method: string, template: string, status: number, times = 1): void {
    this.faults.push({ method, template, status, times });
  }

  /** The next `times` executions of a top-level GraphQL field (`addComment` …) fail, those before it done. */
  failGraphqlField(name: string, times = 1): void {
    this.graphql.failField(name, times);
  }

  /**
   * The share of requests answered 502 before they change anything, drawn from a seeded generator so a
   * failing run can be repeated; 0 for none.
   */
  faultRate = 0;
  /**
   * Of those faults, the share answered as GitHub's secondary rate limit instead: 403, "You have exceeded
   * a secondary rate limit", with a retry-after header.
   */
  secondaryRateLimitShare = 0;
  private seed = 0x9e3779b9;

  private random(): number {
    // mulberry32: small, fast, and the same sequence for the same seed.
    this.seed = (this.seed + 0x6d2b79f5) | 0;
    let t = this.seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** What the app's own comments and reactions are, as GitHub attributes them to its bot user. */
  botLogin = BOT_LOGIN;

  /** A new id for a created object: ids are unique across the simulator, as GitHub's are. */
  newId(): number {
    return this.nextId++;
  }

  /** The repositories that exist: made by a test or by a request that wrote to them. */
  repositoryNames(): string[] {
    return [...this.repos.keys()];
  }

  /** Endpoints simulated in their own modules (release-routes.ts), added to the table. */
  addRoutes(routes: Record<string, Handler>): void {
    Object.assign(this.routes, routes);
  }

  private storeTree(repo: Repository, files: Map<string, string>): string {
    const id = sha(`tree ${JSON.stringify([...files].sort())}`);
    repo.commits.set(id, files);
    return id;
  }

  private storeCommit(repo: Repository, info: CommitInfo): string {
    const id = sha(`commit ${JSON.stringify(info)} ${this.newId()}`);
    repo.commitInfo.set(id, info);
    repo.commits.set(id, repo.commits.get(info.tree)!);
    return id;
  }

  private checkRunBody(fullName: string, run: SimulatedCheckRun) {
    const url = `https://api.github.com/repos/${fullName}/check-runs/${run.id}`;
    return {
      id: run.id,
      node_id: `CR_${run.id}`,
      head_sha: run.head_sha,
      external_id: run.external_id,
      url,
      html_url: `https://github.com/${fullName}/runs/${run.id}`,
      details_url: run.details_url,
      status: run.status,
      conclusion: run.conclusion,
      started_at: '2026-11-23T10:00:00Z',
      completed_at: run.conclusion ? '2026-11-23T10:00:01Z' : null,
      output: {
        title: run.output.title ?? null,
        summary: run.output.summary ?? null,
        text: run.output.text ?? null,
        annotations_count: run.annotations.length,
        annotations_url: `${url}/annotations`,
      },
      name: run.name,
      check_suite: { id: 1 },
      pull_requests: [],
      app: integration(),
    };
  }

  /** One page of a list (at most 100, 30 unless asked), with the Link header GitHub sends when more follow. */
  page(items: readonly unknown[], query: URLSearchParams, path: string): Reply {
    const perPage = Math.min(100, Number(query.get('per_page') ?? 30));
    const page = Number(query.get('page') ?? 1);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const link = (n: number, rel: string) => {
      const next = new URLSearchParams(query);
      next.set('page', String(n));
      next.set('per_page', String(perPage));
      return `<${this.url}${path}?${next}>; rel="${rel}"`;
    };
    const body = items.slice((page - 1) * perPage, page * perPage);
    if (page >= last) return { status: 200, body };
    return { status: 200, body, headers: { link: [link(page + 1, 'next'), link(last, 'last')].join(', ') } };
  }

  private pullsOf(repo: Repository, full: string, filter: (p: SimulatedPull) => boolean): Reply {
    return { status: 200, body: [...repo.pulls.values()].filter(filter).map((p) => pull(full, p)) };
  }

  private readonly routes: Record<string, Handler> = {
    'GET /app': () => ({ status: 200, body: integration() }),
    'POST /app/installations/{installation_id}/access_tokens': () => ({
      status: 201,
      body: {
        token: 'ghs_simulated',
        expires_at: '2099-01-01T00:00:00Z',
        permissions: { checks: 'write' },
        repository_selection: 'all',
      },
    }),
    'GET /repos/{owner}/{repo}/pulls/{pull_number}/files': (p) => {
      const full = `${p.owner}/${p.repo}`;
      const found = this.repository(full).pulls.get(Number(p.pull_number));
      if (!found) return NOT_FOUND();
      const files = found.files.map((f) => ({
        sha: sha(f.filename),
        filename: f.filename,
        status: f.status,
        additions: 1,
        deletions: 0,
        changes: 1,
        blob_url: `https://github.com/${full}/blob/${found.head.sha}/${f.filename}`,
        raw_url: `https://github.com/${full}/raw/${found.head.sha}/${f.filename}`,
        contents_url: `https://api.github.com/repos/${full}/contents/${f.filename}?ref=${found.head.sha}`,
      }));
      return { status: 200, body: files };
    },
    'GET /repos/{owner}/{repo}/pulls/{pull_number}': (p) => {
      const full = `${p.owner}/${p.repo}`;
      const found = this.repository(full).pulls.get(Number(p.pull_number));
      return found ? { status: 200, body: pull(full, found) } : NOT_FOUND();
    },
    'GET /repos/{owner}/{repo}/pulls': (p, query) => {
      const full = `${p.owner}/${p.repo}`;
      const state = query.get('state') ?? 'open';
      const head = query.get('head');
      return this.pullsOf(
        this.repository(full),
        full,
        (pr) =>
          (state === 'all' || pr.state === state) &&
          (!head || head === `${pr.head.repo.split('/')[0]}:${pr.head.ref}`),
      );
    },
    'POST /repos/{owner}/{repo}/pulls': (p, _, body) => {
      const full = `${p.owner}/${p.repo}`;
      const repo = this.repository(full);
      const b = body as { title?: string; head: string; base: string; body?: string };
      const head = repo.branches.get(b.head);
      const base = repo.branches.get(b.base);
      if (!head || !base || !b.title)
        return { status: 422, body: { message: 'Validation Failed', documentation_url: '' } };
      const duplicate = [...repo.pulls.values()].some((pr) => pr.state === 'open' && pr.head.ref === b.head);
      if (duplicate)
        return {
          status: 422,
          body: {
            message: 'Validation Failed',
            documentation_url: '',
            errors: [
              {
                resource: 'PullRequest',
                code: 'custom',
                message: `A pull request already exists for ${b.head}.`,
              },
            ],
          },
        };
      const number = Math.max(0, ...repo.pulls.keys()) + 1;
      const created: SimulatedPull = {
        number,
        title: b.title,
        body: b.body ?? '',
        user: BOT_LOGIN,
        state: 'open',
        head: { ref: b.head, sha: head, repo: full },
        base: { ref: b.base, sha: base },
        files: [],
      };
      repo.pulls.set(number, created);
      return { status: 201, body: pull(full, created) };
    },
    'GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls': (p) => {
      const full = `${p.owner}/${p.repo}`;
      return this.pullsOf(this.repository(full), full, (pr) => pr.head.sha === p.commit_sha);
    },
    'GET /repos/{owner}/{repo}/commits': (p, query) => {
      const full = `${p.owner}/${p.repo}`;
      const repo = this.repository(full);
      const path = query.get('path');
      let at = repo.branches.get(query.get('sha') ?? repo.defaultBranch) ?? query.get('sha') ?? '';
      const history: string[] = [];
      while (repo.commitInfo.has(at)) {
        const info = repo.commitInfo.get(at)!;
        const parent = info.parents[0];
        const changed =
          !path ||
          repo.commits.get(at)?.get(path) !== (parent ? repo.commits.get(parent)?.get(path) : undefined);
        if (changed) history.push(at);
        at = parent ?? '';
      }
      return this.page(
        history.map((id) => commitListEntry(full, id, repo.commitInfo.get(id)!)),
        query,
        `/repos/${full}/commits`,
      );
    },
    'GET /repos/{owner}/{repo}/git/trees/{tree_sha}': (p) => {
      const repo = this.repository(`${p.owner}/${p.repo}`);
      // GitHub takes a tree's SHA, or a branch name for the tree of its head commit.
      const files = repo.commits.get(repo.branches.get(p.tree_sha!) ?? p.tree_sha!);
      if (!files) return NOT_FOUND();
      const tree = [...files].map(([path, text]) => ({
        path,
        mode: '100644',
        type: 'blob',
        sha: sha(text),
        size: text.length,
      }));
      const url = `https://api.github.com/repos/${p.owner}/${p.repo}/git/trees/${p.tree_sha}`;
      return { status: 200, body: { sha: p.tree_sha, url, truncated: false, tree } };
    },
    'GET /repos/{owner}/{repo}/contents/{path}': (p, query, _, accept) => {
      const full = `${p.owner}/${p.repo}`;
      const repo = this.repository(full);
      const ref = query.get('ref') ?? repo.defaultBranch;
      const text = repo.commits.get(repo.branches.get(ref) ?? ref)?.get(p.path!);
      if (text === undefined) return NOT_FOUND();
      // The raw media type (Probot's config loader asks for it) answers with the file itself.
      if (/application\/vnd\.github(\.v3)?\.raw/.test(accept))
        return {
          status: 200,
          raw: text,
          headers: { 'content-type': 'application/vnd.github.raw; charset=utf-8' },
        };
      const url = `https://api.github.com/repos/${full}/contents/${p.path}`;
      return {
        status: 200,
        body: {
          type: 'file',
          encoding: 'base64',
          size: text.length,
          name: p.path!.split('/').pop(),
          path: p.path,
          sha: sha(text),
          content: Buffer.from(text).toString('base64'),
          url,
          git_url: null,
          html_url: null,
          download_url: null,
          _links: { self: url, git: null, html: null },
        },
      };
    },
    'GET /repos/{owner}/{repo}/git/ref/{ref}': (p) => {
      const full = `${p.owner}/${p.repo}`;
      const branch = /^heads\/(.+)$/.exec(p.ref!)?.[1];
      const at = branch ? this.repository(full).branches.get(branch) : undefined;
      return at ? { status: 200, body: gitRef(full, `refs/${p.ref}`, at) } : NOT_FOUND();
    },
    'GET /repos/{owner}/{repo}/git/commits/{commit_sha}': (p) => {
      const full = `${p.owner}/${p.repo}`;
      const info = this.repository(full).commitInfo.get(p.commit_sha!);
      return info ? { status: 200, body: gitCommit(full, p.commit_sha!, info) } : NOT_FOUND();
    },
    'POST /repos/{owner}/{repo}/git/blobs': (p, _, body) => {
      const full = `${p.owner}/${p.repo}`;
      const b = body as { content: string; encoding?: string };
      const text = b.encoding === 'base64' ? Buffer.from(b.content, 'base64').toString('utf8') : b.content;
      const id = sha(`blob ${text}`);
      this.repository(full).blobs.set(id, text);
      return { status: 201, body: { url: `https://api.github.com/repos/${full}/git/blobs/${id}`, sha: id } };
    },
    'POST /repos/{owner}/{repo}/git/trees': (p, _, body) => {
      const full = `${p.owner}/${p.repo}`;
      const repo = this.repository(full);
      const b = body as {
        base_tree?: string;
        tree: { path: string; sha?: string | null; content?: string }[];
      };
      const base = b.base_tree ? repo.commits.get(b.base_tree) : new Map<string, string>();
      if (!base) return { status: 422, body: { message: 'Invalid tree info', documentation_url: '' } };
      const files = new Map(base);
      for (const entry of b.tree) {
        if (entry.sha === null) files.delete(entry.path);
        else if (entry.content !== undefined) files.set(entry.path, entry.content);
        else {
          const text = repo.blobs.get(entry.sha ?? '');
          if (text === undefined)
            return { status: 422, body: { message: 'Invalid tree info', documentation_url: '' } };
          files.set(entry.path, text);
        }
      }
      const id = this.storeTree(repo, files);
      const url = `https://api.github.com/repos/${full}/git/trees/${id}`;
      const tree = [...files].map(([path, text]) => ({
        path,
        mode: '100644',
        type: 'blob',
        sha: sha(`blob ${text}`),
        size: text.length,
      }));
      return { status: 201, body: { sha: id, url, truncated: false, tree } };
    },
    'POST /repos/{owner}/{repo}/git/commits': (p, _, body) => {
      const full = `${p.owner}/${p.repo}`;
      const repo = this.repository(full);
      const b = body as { message: string; tree: string; parents?: string[] };
      if (!repo.commits.has(b.tree) || (b.parents ?? []).some((parent) => !repo.commitInfo.has(parent)))
        return { status: 422, body: { message: 'Invalid tree or parent', documentation_url: '' } };
      const info = { tree: b.tree, parents: b.parents ?? [], message: b.message };
      const id = this.storeCommit(repo, info);
      return { status: 201, body: gitCommit(full, id, info) };
    },
    'POST /repos/{owner}/{repo}/git/refs': (p, _, body) => {
      const full = `${p.owner}/${p.repo}`;
      const repo = this.repository(full);
      const b = body as { ref: string; sha: string };
      const branch = /^refs\/heads\/(.+)$/.exec(b.ref)?.[1];
      if (!branch || !repo.commitInfo.has(b.sha))
        return { status: 422, body: { message: 'Invalid request', documentation_url: '' } };
      if (repo.branches.has(branch))
        return { status: 422, body: { message: 'Reference already exists', documentation_url: '' } };
      repo.branches.set(branch, b.sha);
      return { status: 201, body: gitRef(full, b.ref, b.sha) };
    },
    'PATCH /repos/{owner}/{repo}/git/refs/{ref}': (p, _, body) => {
      const full = `${p.owner}/${p.repo}`;
      const repo = this.repository(full);
      const b = body as { sha: string; force?: boolean };
      const branch = /^heads\/(.+)$/.exec(p.ref!)?.[1];
      const at = branch ? repo.branches.get(branch) : undefined;
      if (!branch || !at || !repo.commitInfo.has(b.sha))
        return { status: 422, body: { message: 'Reference does not exist', documentation_url: '' } };
      const fastForward = repo.commitInfo.get(b.sha)!.parents.includes(at);
      if (!fastForward && !b.force)
        return { status: 422, body: { message: 'Update is not a fast forward', documentation_url: '' } };
      repo.branches.set(branch, b.sha);
      return { status: 200, body: gitRef(full, `refs/${p.ref}`, b.sha) };
    },
    'GET /repos/{owner}/{repo}/issues/{issue_number}/comments': (p, query) => {
      const full = `${p.owner}/${p.repo}`;
      const all = this.repository(full).comments.filter((c) => c.issue === Number(p.issue_number));
      return this.page(
        all.map((c) => issueComment(full, c)),
        query,
        `/repos/${full}/issues/${p.issue_number}/comments`,
      );
    },
    'POST /repos/{owner}/{repo}/issues/{issue_number}/comments': (p, _, body) => {
      const full = `${p.owner}/${p.repo}`;
      const comment = {
        id: this.newId(),
        issue: Number(p.issue_number),
        body: (body as { body: string }).body,
        user: BOT_LOGIN,
      };
      this.repository(full).comments.push(comment);
      return { status: 201, body: issueComment(full, comment) };
    },
    'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}': (p, _, body) => {
      const full = `${p.owner}/${p.repo}`;
      const comment = this.repository(full).comments.find((c) => c.id === Number(p.comment_id));
      if (!comment) return NOT_FOUND();
      // Only the author edits a comment; an app edits its own bot user's comments.
      if (comment.user !== BOT_LOGIN)
        return { status: 403, body: { message: 'Forbidden', documentation_url: '' } };
      comment.body = (body as { body: string }).body;
      return { status: 200, body: issueComment(full, comment) };
    },
    'GET /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions': (p, query) => {
      const reactions = this.repository(`${p.owner}/${p.repo}`).reactions.filter(
        (r) => r.comment === Number(p.comment_id),
      );
      return this.page(
        reactions.map(reaction),
        query,
        `/repos/${p.owner}/${p.repo}/issues/comments/${p.comment_id}/reactions`,
      );
    },
    'POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions': (p, _, body) => {
      const repo = this.repository(`${p.owner}/${p.repo}`);
      const content = (body as { content: string }).content;
      const comment = Number(p.comment_id);
      const same = repo.reactions.find(
        (r) => r.comment === comment && r.user === BOT_LOGIN && r.content === content,
      );
      // The same reaction by the same user is not added twice: GitHub answers 200 with the existing one.
      if (same) return { status: 200, body: reaction(same) };
      const added = { id: this.newId(), comment, content, user: BOT_LOGIN };
      repo.reactions.push(added);
      return { status: 201, body: reaction(added) };
    },
    'GET /repos/{owner}/{repo}/collaborators/{username}/permission': (p) => {
      const role = this.repository(`${p.owner}/${p.repo}`).collaborators.get(p.username!);
      if (!role) return NOT_FOUND();
      const collaborator = { ...person(p.username!), role_name: role };
      return {
        status: 200,
        body: { permission: PERMISSION_OF_ROLE[role] ?? 'none', role_name: role, user: collaborator },
      };
    },
    'POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches': (p, _, body) => {
      const repo = this.repository(`${p.owner}/${p.repo}`);
      if (!repo.workflows.has(p.workflow_id!)) return NOT_FOUND();
      const b = body as { ref: string; inputs?: Record<string, unknown> };
      const ref = b.ref.replace(/^refs\/heads\//, '');
      if (!repo.branches.has(ref))
        return { status: 422, body: { message: `No ref found for: ${b.ref}`, documentation_url: '' } };
      repo.dispatches.push({ workflow: p.workflow_id!, ref, inputs: b.inputs ?? {} });
      return { status: 204 };
    },
    'GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts': (p, query) => {
      const full = `${p.owner}/${p.repo}`;
      const name = query.get('name');
      const found = this.repository(full).artifacts.filter(
        (a) => a.run === Number(p.run_id) && (!name || a.name === name),
      );
      return {
        status: 200,
        body: {
          total_count: found.length,
          artifacts: found.map((a) => artifact(full, { ...a, size: a.zip.byteLength })),
        },
      };
    },
    'GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}': (p) => {
      const found = this.repository(`${p.owner}/${p.repo}`).artifacts.find(
        (a) => a.id === Number(p.artifact_id),
      );
      if (!found || p.archive_format !== 'zip') return NOT_FOUND();
      if (found.expired)
        return { status: 410, body: { message: 'Artifact has expired', documentation_url: '' } };
      return { status: 302, headers: { location: `${this.url}/_storage/artifacts/${found.id}.zip` } };
    },
    'GET /repos/{owner}/{repo}/commits/{ref}/check-runs': (p, query) => {
      const full = `${p.owner}/${p.repo}`;
      let runs = this.repository(full).checkRuns.filter(
        (r) => r.head_sha === p.ref && (!query.get('check_name') || r.name === query.get('check_name')),
      );
      // GitHub's default filter, `latest`, lists only the newest run of each name.
      if ((query.get('filter') ?? 'latest') === 'latest')
        runs = runs.filter((r) => !runs.some((other) => other.name === r.name && other.id > r.id));
      return {
        status: 200,
        body: { total_count: runs.length, check_runs: runs.map((r) => this.checkRunBody(full, r)) },
      };
    },
    'POST /repos/{owner}/{repo}/check-runs': (p, _, body) => {
      const b = body as {
        name: string;
        head_sha: string;
        status?: string;
        conclusion?: string;
        external_id?: string;
        details_url?: string;
        output?: SimulatedCheckRun['output'];
        actions?: SimulatedCheckRun['actions'];
      };
      const run: SimulatedCheckRun = {
        id: this.newId(),
        name: b.name,
        head_sha: b.head_sha,
        status: b.conclusion ? 'completed' : (b.status ?? 'queued'),
        conclusion: b.conclusion ?? null,
        external_id: b.external_id ?? '',
        details_url: b.details_url ?? null,
        output: b.output ?? {},
        annotations: [...(b.output?.annotations ?? [])],
        actions: b.actions ?? [],
      };
      const full = `${p.owner}/${p.repo}`;
      this.repository(full).checkRuns.push(run);
      return { status: 201, body: this.checkRunBody(full, run) };
    },
    'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}': (p, _, body) => {
      const full = `${p.owner}/${p.repo}`;
      const run = this.repository(full).checkRuns.find((r) => r.id === Number(p.check_run_id));
      if (!run) return NOT_FOUND();
      const b = body as Partial<
        Pick<
          SimulatedCheckRun,
          'status' | 'conclusion' | 'external_id' | 'details_url' | 'output' | 'actions'
        >
      >;
      if (b.status) run.status = b.status;
      if (b.conclusion) Object.assign(run, { conclusion: b.conclusion, status: 'completed' });
      if (b.external_id !== undefined) run.external_id = b.external_id;
      if (b.details_url !== undefined) run.details_url = b.details_url;
      if (b.actions) run.actions = b.actions;
      if (b.output) {
        run.output = b.output;
        // Annotations sent with an update are added to the run's, as on GitHub.
        run.annotations.push(...(b.output.annotations ?? []));
      }
      return { status: 200, body: this.checkRunBody(full, run) };
    },
  };

  /** Archives behind the artifact download redirect: the storage host, outside the REST API. */
  private storage(path: string, response: ServerResponse): boolean {
    const id = /^\/_storage\/artifacts\/(\d+)\.zip$/.exec(path)?.[1];
    if (!id) return false;
    const found = [...this.repos.values()].flatMap((r) => r.artifacts).find((a) => a.id === Number(id));
    if (!found) response.writeHead(404).end();
    else response.writeHead(200, { 'content-type': 'application/zip' }).end(found.zip);
    return true;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://simulator');
    // GitHub Enterprise Server serves the same API under /api/v3.
    url.pathname = url.pathname.replace(/^\/api\/v3(?=\/)/, '');
    if (this.storage(url.pathname, response)) return;
    let text = '';
    for await (const chunk of request) text += chunk;
    const upload =
      request.method === 'POST' && /^\/repos\/[^/]+\/[^/]+\/releases\/\d+\/assets$/.test(url.pathname)
        ? text
        : undefined;
    if (upload !== undefined) text = '';
    const body = text ? (JSON.parse(text) as unknown) : undefined;
    const reply = ({ status, body: payload, raw, headers = {} }: Reply) => {
      this.calls.push({ method: request.method!, path: url.pathname, status });
      if (raw !== undefined) response.writeHead(status, headers).end(raw);
      else if (payload === undefined) response.writeHead(status, headers).end();
      else
        response
          .writeHead(status, { 'content-type': 'application/json', ...headers })
          .end(JSON.stringify(payload));
    };
    // GitHub Enterprise Server answers GraphQL at /api/graphql.
    if (request.method === 'POST' && /^(\/api)?\/graphql$/.test(url.pathname))
      return this.answerGraphql(body, reply);
    const matched = this.api.match(request.method!, url.pathname);
    if (!matched) {
      this.violations.push(`${request.method} ${url.pathname}: no such GitHub endpoint`);
      return reply(NOT_FOUND());
    }
    const { operation, params } = matched;
    const refused = [
      ...this.api.parameterProblems(operation, params, url.searchParams),
      ...this.api.requestProblems(operation, body),
    ];
    if (refused.length > 0) {
      this.violations.push(
        `${request.method} ${operation.template}: GitHub would refuse: ${refused.join('; ')}`,
      );
      return reply({
        status: 422,
        body: { message: 'Validation Failed', documentation_url: '', errors: refused },
      });
    }
    const fault = this.fault(request.method!, operation.template);
    if (fault) return reply(fault);
    const handler = this.routes[`${request.method} ${operation.template}`];
    if (!handler) {
      this.violations.push(`${request.method} ${operation.template}: not simulated`);
      return reply({ status: 501, body: { message: 'not simulated' } });
    }
    const result = handler(params, url.searchParams, body, String(request.headers.accept ?? ''), upload);
    const wrong =
      result.raw === undefined ? this.api.responseProblems(operation, result.status, result.body) : [];
    if (wrong.length > 0)
      this.violations.push(
        `${request.method} ${operation.template} -> ${result.status}: ${wrong.join('; ')}`,
      );
    reply(result);
  }

  /** A failure to answer instead of handling the request, before it changes anything; none most times. */
  private fault(method: string, template: string): Reply | undefined {
    const named = this.faults.find((f) => f.method === method && f.template === template && f.times > 0);
    if (!named && !(this.faultRate > 0 && this.random() < this.faultRate)) return undefined;
    if (named) named.times--;
    if (!named && this.random() < this.secondaryRateLimitShare)
      return {
        status: 403,
        headers: { 'retry-after': '1' },
        body: {
          message:
            'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
          documentation_url:
            'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
        },
      };
    return { status: named?.status ?? 502, body: { message: 'Simulated failure', documentation_url: '' } };
  }

  /**
   * POST /graphql: a document GitHub's schema refuses is answered as GitHub does (200, `errors`) and is a
   * violation; faults strike as on REST requests (named with the template `/graphql`).
   */
  private async answerGraphql(body: unknown, reply: (r: Reply) => void): Promise<void> {
    const checked = this.graphql.check(body);
    if ('errors' in checked) {
      this.violations.push(`POST /graphql: GitHub would refuse: ${checked.errors.join('; ')}`);
      return reply({ status: 200, body: { errors: checked.errors.map((message) => ({ message })) } });
    }
    const fault = this.fault('POST', '/graphql');
    if (fault) return reply(fault);
    reply({
      status: 200,
      body: await this.graphql.run(checked.document, checked.variables, this.violations),
    });
  }

  async start(): Promise<void> {
    this.addRoutes(this.webhooks.routes(() => this.url));
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: Error) => {
        this.violations.push(`simulator error: ${error.message}`);
        response.writeHead(500).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}
