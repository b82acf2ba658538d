import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { GitHubOpenApi } from './openapi-validator.js';

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
  output: { title?: string; summary?: string; text?: string; annotations?: unknown[] };
  annotations: unknown[];
}

interface Repository {
  /** Files of each commit, by path. */
  commits: Map<string, Map<string, string>>;
  pulls: Map<number, { head: string; files: { filename: string; status: string }[] }>;
  checkRuns: SimulatedCheckRun[];
}

type Handler = (
  params: Record<string, string>,
  query: URLSearchParams,
  body: unknown,
) => { status: number; body: unknown };

const sha = (text: string) => createHash('sha1').update(text).digest('hex');

function user(login: string, id: number) {
  const url = `https://api.github.com/users/${login}`;
  return {
    login,
    id,
    node_id: `U_${id}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${id}`,
    gravatar_id: '',
    url,
    html_url: `https://github.com/${login}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type: 'Organization',
    site_admin: false,
  };
}

/**
 * A stateful stand-in for api.github.com, over real HTTP, for the endpoints the app uses. Every request
 * is checked against GitHub's OpenAPI description and refused (422/404) where GitHub would refuse it;
 * every response it sends is checked too. Both kinds of mismatch are collected in `violations`, which a
 * test asserts is empty.
 */
export class GitHubSimulator {
  readonly violations: string[] = [];
  readonly calls: { method: string; path: string; status: number }[] = [];
  private readonly repos = new Map<string, Repository>();
  private readonly api = githubOpenApi();
  private server?: Server;
  private nextId = 1000;
  url = '';

  repository(fullName: string): Repository {
    let repo = this.repos.get(fullName);
    if (!repo) {
      repo = { commits: new Map(), pulls: new Map(), checkRuns: [] };
      this.repos.set(fullName, repo);
    }
    return repo;
  }

  /** Records a commit's files; returns its SHA. */
  commit(fullName: string, files: Record<string, string>): string {
    const id = sha(JSON.stringify(files) + this.nextId++);
    this.repository(fullName).commits.set(id, new Map(Object.entries(files)));
    return id;
  }

  pullRequest(fullName: string, number: number, head: string, changed: string[]): void {
    this.repository(fullName).pulls.set(number, {
      head,
      files: changed.map((filename) => ({ filename, status: 'modified' })),
    });
  }

  private checkRunBody(fullName: string, run: SimulatedCheckRun) {
    const url = `https://api.github.com/repos/${fullName}/check-runs/${run.id}`;
    return {
      id: run.id,
      node_id: `CR_${run.id}`,
      head_sha: run.head_sha,
      external_id: '',
      url,
      html_url: `https://github.com/${fullName}/runs/${run.id}`,
      details_url: null,
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
      app: {
        id: 1,
        slug: 'gantry',
        node_id: 'A_1',
        owner: user('acme', 1),
        name: 'Gantry',
        description: null,
        external_url: 'https://example.com',
        html_url: 'https://github.com/apps/gantry',
        created_at: '2026-01-01T00:00:00Z',
        updated_at: '2026-01-01T00:00:00Z',
        permissions: { checks: 'write' },
        events: ['pull_request'],
      },
    };
  }

  private readonly routes: Record<string, Handler> = {
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
      const pull = this.repository(full).pulls.get(Number(p.pull_number));
      if (!pull) return { status: 404, body: { message: 'Not Found', documentation_url: '' } };
      const files = pull.files.map((f) => ({
        sha: sha(f.filename),
        filename: f.filename,
        status: f.status,
        additions: 1,
        deletions: 0,
        changes: 1,
        blob_url: `https://github.com/${full}/blob/${pull.head}/${f.filename}`,
        raw_url: `https://github.com/${full}/raw/${pull.head}/${f.filename}`,
        contents_url: `https://api.github.com/repos/${full}/contents/${f.filename}?ref=${pull.head}`,
      }));
      return { status: 200, body: files };
    },
    'GET /repos/{owner}/{repo}/git/trees/{tree_sha}': (p) => {
      const files = this.repository(`${p.owner}/${p.repo}`).commits.get(p.tree_sha!);
      if (!files) return { status: 404, body: { message: 'Not Found', documentation_url: '' } };
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
    'GET /repos/{owner}/{repo}/contents/{path}': (p, query) => {
      const full = `${p.owner}/${p.repo}`;
      const text = this.repository(full)
        .commits.get(query.get('ref') ?? '')
        ?.get(p.path!);
      if (text === undefined) return { status: 404, body: { message: 'Not Found', documentation_url: '' } };
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
    'GET /repos/{owner}/{repo}/commits/{ref}/check-runs': (p, query) => {
      const full = `${p.owner}/${p.repo}`;
      const runs = this.repository(full).checkRuns.filter(
        (r) => r.head_sha === p.ref && (!query.get('check_name') || r.name === query.get('check_name')),
      );
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
        output?: SimulatedCheckRun['output'];
      };
      const run: SimulatedCheckRun = {
        id: this.nextId++,
        name: b.name,
        head_sha: b.head_sha,
        status: b.conclusion ? 'completed' : (b.status ?? 'queued'),
        conclusion: b.conclusion ?? null,
        output: b.output ?? {},
        annotations: b.output?.annotations ?? [],
      };
      const full = `${p.owner}/${p.repo}`;
      this.repository(full).checkRuns.push(run);
      return { status: 201, body: this.checkRunBody(full, run) };
    },
    'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}': (p, _, body) => {
      const full = `${p.owner}/${p.repo}`;
      const run = this.repository(full).checkRuns.find((r) => r.id === Number(p.check_run_id));
      if (!run) return { status: 404, body: { message: 'Not Found', documentation_url: '' } };
      const b = body as { status?: string; conclusion?: string; output?: SimulatedCheckRun['output'] };
      if (b.conclusion) Object.assign(run, { conclusion: b.conclusion, status: 'completed' });
      if (b.output) {
        run.output = b.output;
        // Annotations sent with an update are added to the run's, as on GitHub.
        run.annotations.push(...(b.output.annotations ?? []));
      }
      return { status: 200, body: this.checkRunBody(full, run) };
    },
  };

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://simulator');
    let text = '';
    for await (const chunk of request) text += chunk;
    const body = text ? (JSON.parse(text) as unknown) : undefined;
    const reply = (status: number, payload: unknown) => {
      this.calls.push({ method: request.method!, path: url.pathname, status });
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
    };
    const matched = this.api.match(request.method!, url.pathname);
    if (!matched) {
      this.violations.push(`${request.method} ${url.pathname}: no such GitHub endpoint`);
      return reply(404, { message: 'Not Found', documentation_url: '' });
    }
    const { operation, params } = matched;
    const refused = this.api.requestProblems(operation, body);
    if (refused.length > 0) {
      this.violations.push(
        `${request.method} ${operation.template}: GitHub would refuse: ${refused.join('; ')}`,
      );
      return reply(422, { message: 'Validation Failed', documentation_url: '', errors: refused });
    }
    const handler = this.routes[`${request.method} ${operation.template}`];
    if (!handler) {
      this.violations.push(`${request.method} ${operation.template}: not simulated`);
      return reply(501, { message: 'not simulated' });
    }
    const result = handler(params, url.searchParams, body);
    const wrong = this.api.responseProblems(operation, result.status, result.body);
    if (wrong.length > 0)
      this.violations.push(
        `${request.method} ${operation.template} -> ${result.status}: ${wrong.join('; ')}`,
      );
    reply(result.status, result.body);
  }

  async start(): Promise<void> {
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
