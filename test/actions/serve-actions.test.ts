import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BenchResults } from '../../schemas/bench-results.js';
import { DeploymentRecord } from '../../schemas/deployment-record.js';
import { EvalResults } from '../../schemas/eval-results.js';
import { tempDir } from '../support/temp-dir.js';
import { examplePayload, runAction } from './run-action.js';

const ROOT = join(import.meta.dirname, '../..');

/** The tabular-rest example in a workspace of its own, its benchmark cut to a short run. */
function workspace(): string {
  const dir = tempDir('gantry-serve-actions-');
  cpSync(join(ROOT, 'examples/tabular-rest'), join(dir, 'models/churn'), { recursive: true });
  const manifest = join(dir, 'models/churn/model.yml');
  writeFileSync(
    manifest,
    readFileSync(manifest, 'utf8')
      .replace('requests: 2000', 'requests: 200')
      .replace('warmup: 50', 'warmup: 10'),
  );
  return dir;
}

describe('actions/deploy, actions/benchmark and actions/evaluate on a real model server', () => {
  it('deploys a preview, measures and scores it, and tears it down', { timeout: 120_000 }, async () => {
    const dir = workspace();
    const state = tempDir('gantry-serve-state-');
    const event = { name: 'pull_request', payload: examplePayload('pull_request', 'opened') };
    const step = (name: string, inputs: Record<string, string>) =>
      runAction(name, {
        cwd: dir,
        event,
        inputs: { model: 'models/churn', ...inputs },
        env: { GANTRY_STATE_DIR: state },
      });

    const deployed = await step('deploy', { environment: 'staging', target: 'process' });
    expect(deployed.stdout).not.toContain('::error');
    expect(deployed.code).toBe(0);
    expect(deployed.outputs).toMatchObject({ target: 'process', state: 'running', version: '1.0.0' });
    const record = DeploymentRecord.parse(JSON.parse(readFileSync(deployed.outputs.record!, 'utf8')));
    expect(record.url).toBe(deployed.outputs.url);
    expect(deployed.summary).toContain(`tabular-rest 1.0.0 is serving at ${record.url} (process)`);
    try {
      const bench = await step('benchmark', { endpoint: deployed.outputs.url!, target: 'cpu' });
      expect(bench.stdout).not.toContain('::error');
      expect(bench.code).toBe(0);
      const [file, ...more] = JSON.parse(bench.outputs.results!) as string[];
      expect(more).toEqual([]);
      expect(file).toBe(join(dir, 'gantry-results/bench-predict-1.json'));
      const results = BenchResults.parse(JSON.parse(readFileSync(file!, 'utf8')));
      expect(results.summary.completed).toBe(200);
      expect(results.target).toBe('cpu');
      expect(bench.stdout).toContain('::group::Benchmark predict');
      expect(bench.summary).toContain('## Gantry benchmark: tabular-rest 1.0.0');
      expect(bench.summary).toContain('completed 200, failed 0');

      const scored = await step('evaluate', { endpoint: deployed.outputs.url! });
      expect(scored.code).toBe(0);
      const evaluation = EvalResults.parse(
        JSON.parse(readFileSync(join(dir, 'gantry-results/eval-churn-test.json'), 'utf8')),
      );
      expect(evaluation.metrics.accuracy).toBeGreaterThan(0.7);
      expect(scored.summary).toMatch(/\| churn-test \| accuracy \| 0\.\d+ \| none \| \d+ \|/);
    } finally {
      const stopped = await step('deploy', { environment: 'staging', stop: 'true' });
      expect(stopped.code).toBe(0);
      expect(stopped.outputs.state).toBe('stopped');
    }
    await expect(fetch(`${deployed.outputs.url}/status`)).rejects.toThrow();
    const again = await step('deploy', { environment: 'staging', stop: 'true' });
    expect(again.outputs.state).toBe('stopped');
    expect(again.summary).toContain('Nothing to stop');
  });

  it('fails clearly when the endpoint does not answer', async () => {
    const dir = workspace();
    const run = await runAction('benchmark', {
      cwd: dir,
      inputs: { model: 'models/churn', endpoint: 'http://127.0.0.1:9' },
    });
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('::error::cannot reach http://127.0.0.1:9: connection refused');
  });

  it('refuses a deploy target that is not one, naming the ones there are', async () => {
    const run = await runAction('deploy', {
      cwd: workspace(),
      inputs: { model: 'models/churn', environment: 'staging', target: 'podman' },
      env: { GANTRY_STATE_DIR: tempDir('gantry-serve-state-') },
    });
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('::error::input target: "podman" is not one of process, docker, kubernetes');
  });
});
