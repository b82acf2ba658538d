import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { collectDashboard } from '../../core/dashboard/dashboard-data.js';
import { dashboardHtml } from '../../core/dashboard/dashboard-html.js';
import { fleetRowOfRecord, fleetRowsOfDeployments } from '../../core/dashboard/fleet-rows.js';
import { DeploymentStore } from '../../core/deploy/deployment-store.js';
import { freePort } from '../../core/deploy/free-port.js';
import { localRegistry } from '../../core/registry/local-registry.js';
import type { DeploymentRecord } from '../../schemas/deployment-record.js';
import { versionDraft } from '../registry/registry-contract.js';
import { gitRepo } from '../support/git-repo.js';
import { headlessChromium, PNG_SIGNATURE, pageProblems } from '../support/headless-chromium.js';
import { accuracyRun, benchRun } from '../support/results-factory.js';
import { runCli } from '../support/run-cli.js';
import { services, serviceUnavailable } from '../support/services.js';
import { tempDir } from '../support/temp-dir.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const skipBrowser = serviceUnavailable('chromium', services.chromium(), 'run scripts/test-env.sh as root');

const at = (hour: number) => ({
  actor: 'alice',
  now: new Date(`2026-11-23T${String(hour).padStart(2, '0')}:00:00.000Z`),
});

/** A model repository whose registry holds three versions of acme/chat, promoted and rolled back. */
async function registryWithHistory() {
  const repo = await gitRepo();
  const sha = await repo.commit({ 'model.yml': 'name: acme/chat\nversion: 1.0.0\n' });
  const registry = localRegistry(repo.dir);
  // Every version slower than the one before (latencies × factor), accuracy moving too.
  const versions: [string, number, 'pass' | 'fail' | undefined, boolean[]][] = [
    ['1.0.0', 1, undefined, [true, true, false, true]],
    ['1.1.0', 1.2, 'pass', [true, true, true, true]],
    ['2.0.0', 2, 'fail', [true, false, false, true]],
  ];
  for (const [version, factor, verdict, correct] of versions) {
    const draft = versionDraft('acme/chat', version, sha, { verdict });
    draft.records.bench = [1, 2, 3].map((seed) => benchRun({ seed, factor, requests: 30, profile: 'chat' }));
    draft.records.eval = [{ ...accuracyRun(correct), suite: 'holdout' }];
    await registry.record(draft, at(1));
  }
  await registry.promote({ model: 'acme/chat', version: '1.0.0', environment: 'production', ...at(2) });
  await registry.promote({ model: 'acme/chat', version: '1.1.0', environment: 'production', ...at(3) });
  await registry.promote({ model: 'acme/chat', version: '1.1.0', environment: 'staging', ...at(3) });
  await registry.promote({
    model: 'acme/chat',
    version: '2.0.0',
    environment: 'staging',
    force: true,
    note: 'try it',
    ...at(4),
  });
  await registry.rollback({ model: 'acme/chat', environment: 'staging', ...at(5) });
  return { repo, registry };
}

const deployment: DeploymentRecord = {
  schema_version: 1,
  model: 'acme/chat',
  version: '1.1.0',
  environment: 'production',
  target: 'docker',
  state: 'running',
  url: 'http://127.0.0.1:8000',
  health_url: 'http://127.0.0.1:8000/health',
  manifest: '/srv/models/chat/model.yml',
  container: {
    id: 'c0ffee',
    name: 'gantry-production-acme-chat-1a2b3c',
    image: '127.0.0.1:5000/acme/chat:1.1.0-h100',
    digest: `sha256:${'d'.repeat(64)}`,
  },
  hardware: 'h100',
  gpus: ['0', '1'],
  log_path: '/var/log/gantry/proxy.log',
  started_at: '2026-11-23T03:00:00.000Z',
  healthy_at: '2026-11-23T03:01:00.000Z',
};

describe('dashboard', () => {
  it('collects versions with their verdicts and headline figures, environments with their history, and the fleet', async () => {
    const { registry } = await registryWithHistory();
    const data = await collectDashboard(
      registry,
      [fleetRowOfRecord(deployment)],
      new Date('2026-11-23T06:00:00.000Z'),
    );
    expect(data.models.map((m) => m.name)).toEqual(['acme/chat']);
    const [model] = data.models;
    expect(model!.versions.map((v) => [v.version, v.verdict, v.environments])).toEqual([
      ['1.0.0', undefined, []],
      ['1.1.0', 'pass', ['production', 'staging']],
      ['2.0.0', 'fail', []],
    ]);
    // Figures are the median over a profile's runs: slower versions, fewer tokens per second.
    const throughput = model!.versions.map((v) => v.figures['output_tokens_per_s (chat)']!);
    expect(throughput[0]).toBeGreaterThan(throughput[1]!);
    expect(throughput[1]).toBeGreaterThan(throughput[2]!);
    expect(model!.versions.map((v) => v.figures['accuracy (holdout)'])).toEqual([0.75, 1, 0.5]);
    const staging = model!.environments.find((e) => e.environment === 'staging')!;
    expect(staging).toMatchObject({ version: '1.1.0', by: 'alice', since: '2026-11-23T05:00:00.000Z' });
    expect(staging.history.map((h) => `${h.reason} ${h.from}→${h.to}`)).toEqual([
      'promote null→1.1.0',
      'promote 1.1.0→2.0.0',
      'rollback 2.0.0→1.1.0',
    ]);
    expect(data.fleet).toEqual([
      {
        environment: 'production',
        model: 'acme/chat',
        version: '1.1.0',
        where: 'docker (h100)',
        instance: 'gantry-production-acme-chat-1a2b3c',
        image: `sha256:${'d'.repeat(64)}`,
        gpus: ['0', '1'],
        url: 'http://127.0.0.1:8000',
        state: 'running',
        since: '2026-11-23T03:01:00.000Z',
      },
    ]);
  });

  it("takes the newest deployment of each model and environment from a repository's GitHub Deployments", () => {
    const rows = fleetRowsOfDeployments([
      {
        id: 7,
        environment: 'production',
        created_at: '2026-11-23T02:00:00Z',
        payload: { model: 'acme/chat', version: '1.0.0' },
        status: { state: 'inactive', created_at: '2026-11-23T03:00:00Z' },
      },
      {
        id: 9,
        environment: 'production',
        created_at: '2026-11-23T03:00:00Z',
        payload: { model: 'acme/chat', version: '1.1.0', 'runs-on': ['self-hosted', 'cuda', 'h100'] },
        status: {
          state: 'success',
          environment_url: 'https://chat.acme.dev',
          created_at: '2026-11-23T03:05:00Z',
        },
      },
      {
        id: 8,
        environment: 'staging',
        created_at: '2026-11-23T02:30:00Z',
        payload: { model: 'acme/chat', version: '2.0.0' },
      },
      // Not one of Gantry's: no model in its payload.
      { id: 3, environment: 'production', created_at: '2026-11-23T04:00:00Z', payload: { task: 'deploy' } },
    ]);
    expect(rows).toEqual([
      {
        environment: 'production',
        model: 'acme/chat',
        version: '1.1.0',
        where: 'self-hosted, cuda, h100',
        instance: 'deployment 9',
        gpus: [],
        url: 'https://chat.acme.dev',
        state: 'success',
        since: '2026-11-23T03:05:00Z',
      },
      {
        environment: 'staging',
        model: 'acme/chat',
        version: '2.0.0',
        where: 'deploy workflow',
        instance: 'deployment 8',
        gpus: [],
        state: 'pending',
        since: '2026-11-23T02:30:00Z',
      },
    ]);
  });

  it('escapes what it shows', () => {
    const html = dashboardHtml({
      generated_at: '2026-11-23T06:00:00.000Z',
      models: [{ name: '<script>alert(1)</script>', versions: [], environments: [] }],
      fleet: [],
    });
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('gantry dashboard serves the page read afresh, over HTTP', async () => {
    const { repo } = await registryWithHistory();
    const state = tempDir();
    await new DeploymentStore(state).write(deployment);
    const port = await freePort();
    const server = spawn(
      process.execPath,
      [
        '--import',
        import.meta.resolve('tsx'),
        join(ROOT, 'cli/index.ts'),
        'dashboard',
        '--port',
        String(port),
      ],
      {
        cwd: repo.dir,
        env: { ...process.env, GANTRY_STATE_DIR: state },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    onTestFinished(() => {
      server.kill();
    });
    await new Promise<void>((ready, fail) => {
      server.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('dashboard at') && ready());
      server.once('exit', (code) => fail(new Error(`gantry dashboard exited with ${code}`)));
    });
    const page = await (await fetch(`http://127.0.0.1:${port}/`)).text();
    expect(page).toContain('gantry-production-acme-chat-1a2b3c');
    expect(page).not.toContain('3.0.0');
    // A version recorded now shows on the next request.
    const sha = (await repo.git.revparse(['HEAD'])).trim();
    await localRegistry(repo.dir).record(versionDraft('acme/chat', '3.0.0', sha), at(6));
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toContain('data-version="3.0.0"');
    expect((await fetch(`http://127.0.0.1:${port}/elsewhere`)).status).toBe(404);
  }, 60_000);

  it.skipIf(skipBrowser)(
    'renders in headless Chromium with its tables and trend charts, and nothing fetched',
    async () => {
      const { repo } = await registryWithHistory();
      const dir = process.env.GANTRY_DASHBOARD_SCREENSHOT_DIR ?? tempDir();
      const state = tempDir();
      await new DeploymentStore(state).write(deployment);
      const run = await runCli(['dashboard', '--out', join(dir, 'dashboard.html')], {
        cwd: repo.dir,
        env: { GANTRY_STATE_DIR: state },
      });
      expect(run.code, run.stderr).toBe(0);
      const browser = await headlessChromium();
      try {
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        const problems = pageProblems(page);
        await page.goto(`file://${join(dir, 'dashboard.html')}`);
        expect(await page.locator('section.model h2').innerText()).toBe('acme/chat');
        expect(await page.locator('table.versions tr.version').count()).toBe(3);
        expect(await page.locator('tr.version[data-version="2.0.0"] .badge').innerText()).toBe('fail');
        expect(await page.locator('table.environments tr').count()).toBe(3);
        expect(await page.locator('table.fleet').innerText()).toContain('gantry-production-acme-chat-1a2b3c');
        expect(await page.locator('svg.chart').count()).toBeGreaterThanOrEqual(3);
        const shot = await page.screenshot({ path: join(dir, 'dashboard.png'), fullPage: true });
        expect(shot.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
        expect(shot.length).toBeGreaterThan(20_000);
        expect(problems).toEqual([]);
      } finally {
        await browser.close();
      }
    },
    60_000,
  );
});
