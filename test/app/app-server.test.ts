import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitHubRegistry } from '../../core/registry/github-registry.js';
import { GitHubSimulator } from '../github-simulator/github-simulator.js';
import { SimulatedInstallations } from '../github-simulator/installation-routes.js';
import { SimulatedReleases } from '../github-simulator/release-routes.js';
import { simulatorOctokit } from '../github-simulator/simulator-octokit.js';
import { deliverWebhook, WEBHOOK_SECRET } from '../github-simulator/webhook-deliveries.js';
import { versionDraft } from '../registry/registry-contract.js';
import { generatePrivateKey } from './app-harness.js';
import { artifactZip, gateReport, workflowRunCompleted } from './results-fixtures.js';

const REPO = 'Codertocat/Hello-World';
const simulator = new GitHubSimulator();
const releases = new SimulatedReleases(simulator);
const installations = new SimulatedInstallations(simulator);
const DASHBOARD_TOKEN = 'dashboard-secret-0123';
let app: ChildProcess;
let output = '';
let url = '';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitForHealth(timeoutMs: number): Promise<Response> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fetch(`${url}/healthz`);
    } catch (error) {
      if (Date.now() > until || app.exitCode !== null)
        throw new Error(`the app did not start: ${output}`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

beforeAll(async () => {
  await simulator.start();
  // The container's command runs this bundle (npm run app:build in app/Dockerfile).
  execFileSync('npm', ['run', '--silent', 'app:build'], { stdio: 'pipe' });
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  app = spawn(process.execPath, ['build/app/server.js'], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      APP_ID: '1',
      PRIVATE_KEY: generatePrivateKey(),
      WEBHOOK_SECRET: WEBHOOK_SECRET,
      // GitHub Enterprise Server's address form: the simulator serves the API under /api/v3 too.
      GHE_HOST: simulator.url.replace('http://', ''),
      GHE_PROTOCOL: 'http',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'info',
      GANTRY_DASHBOARD_TOKEN: DASHBOARD_TOKEN,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  app.stdout!.on('data', (chunk: Buffer) => {
    output += chunk;
  });
  app.stderr!.on('data', (chunk: Buffer) => {
    output += chunk;
  });
}, 60_000);

afterAll(async () => {
  if (app && app.exitCode === null) app.kill('SIGKILL');
  await simulator.stop();
});

/** A sample's value in Prometheus' text format, by metric name and labels. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const inside = line.slice(name.length + 1, line.indexOf('}'));
    if (wanted.every((w) => inside.split(',').includes(w)))
      return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('npm run app (the container command)', () => {
  it('serves /healthz, handles a signed delivery, counts it in /metrics and logs JSON', async () => {
    const health = await waitForHealth(20_000);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });

    simulator.commit(REPO, { 'README.md': '# models' }, { branch: 'main' });
    const head = simulator.commit(REPO, { 'model.yml': 'name: acme/chat\n' });
    simulator.pullRequest(REPO, 4, head, ['model.yml']);
    simulator.artifact(REPO, 401, 'gantry-results', artifactZip({ 'gate-report.json': gateReport('pass') }));
    expect(
      await deliverWebhook(
        `${url}/api/github/webhooks`,
        'workflow_run',
        workflowRunCompleted(401, head, [4]),
      ),
    ).toBe(200);
    expect(simulator.repository(REPO).checkRuns).toMatchObject([
      { name: 'gantry/gate', conclusion: 'success' },
    ]);
    expect(simulator.repository(REPO).comments).toHaveLength(1);

    const metrics = await fetch(`${url}/metrics`);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    const text = await metrics.text();
    const event = { event: 'workflow_run.completed' };
    // Every API request the event made is counted (the app's own identity lookup is not an event's).
    const counted = text
      .split('\n')
      .filter((line) => line.startsWith('gantry_app_github_requests_total{event="workflow_run.completed"'))
      .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
    expect(counted).toBe(simulator.calls.filter((c) => c.path !== '/app').length);
    // The installation token, then GraphQL's read of the commit's checks and comments and its write of both.
    expect(
      sample(text, 'gantry_app_github_requests_total', { ...event, method: 'POST', status: '201' }),
    ).toBe(1);
    expect(
      sample(text, 'gantry_app_github_requests_total', { ...event, method: 'POST', status: '200' }),
    ).toBe(2);
    expect(text).toContain('# TYPE gantry_app_errors_total counter');

    // Logs are pino's JSON lines, one object each, and never carry the key or the secret.
    const lines = output.split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    expect(output).not.toContain(WEBHOOK_SECRET);
    expect(output).not.toContain('PRIVATE KEY');

    // The dashboard of an installed repository: its registry and its deployments, behind the token.
    installations.installed.add(REPO);
    const [owner, repo] = REPO.split('/') as [string, string];
    const registry = new GitHubRegistry({
      octokit: simulatorOctokit(simulator.url),
      owner,
      repo,
      branch: 'main',
    });
    await registry.record(versionDraft('acme/chat', '1.4.0', head, { verdict: 'pass' }), { actor: 'ci' });
    await registry.promote({
      model: 'acme/chat',
      version: '1.4.0',
      environment: 'production',
      actor: 'maria',
    });
    expect(releases.repository(REPO).deployments).toHaveLength(1);
    const dashboard = `${url}/dashboard/${REPO}`;
    const basic = (secret: string) => ({
      authorization: `Basic ${Buffer.from(`me:${secret}`).toString('base64')}`,
    });
    expect((await fetch(dashboard)).status).toBe(401);
    expect((await fetch(dashboard, { headers: basic('wrong') })).status).toBe(401);
    const page = await fetch(dashboard, { headers: basic(DASHBOARD_TOKEN) });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`<h1>${REPO}</h1>`);
    expect(html).toContain('data-version="1.4.0"');
    expect(html).toMatch(/<table class="fleet">.*production.*acme\/chat.*1\.4\.0/s);
    const elsewhere = await fetch(`${url}/dashboard/acme/not-installed`, { headers: basic(DASHBOARD_TOKEN) });
    expect(elsewhere.status).toBe(404);
    expect(await elsewhere.text()).toContain('Gantry is not installed on acme/not-installed');

    app.kill('SIGTERM');
    const code = await new Promise((resolve) => app.once('exit', resolve));
    expect(code).toBe(0);
    expect(simulator.violations).toEqual([]);
  });
});
