import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BuildPlan } from '../../schemas/build-plan.js';
import { gitRepo } from '../support/git-repo.js';
import { examplePayload, runAction } from './run-action.js';

const manifest = (name: string, targets = '[{ name: cpu, platform: cpu }]') =>
  `name: ${name}\nversion: 1.0.0\ntask: rest\nserver: { type: rest }\ntargets: ${targets}\n`;

async function twoModels() {
  const repo = await gitRepo();
  const first = await repo.commit({
    'models/churn/model.yml': manifest('churn'),
    'models/churn/model.py': 'class Model: pass\n',
    'models/chat/model.yml': manifest(
      'chat',
      '[{ name: cpu, platform: cpu }, { name: cuda-h100, platform: cuda, accelerator: h100 }]',
    ),
    'models/chat/model.py': 'class Model: pass\n',
  });
  const second = await repo.commit({ 'models/chat/model.py': 'class Model:\n    pass\n' });
  return { repo, first, second };
}

describe('actions/plan', () => {
  it('plans what a push changed, from the event payload, and writes the matrix outputs', async () => {
    const { repo, first, second } = await twoModels();
    const payload = { ...examplePayload('push'), before: first, after: second, ref: 'refs/heads/main' };
    const run = await runAction('plan', { cwd: repo.dir, event: { name: 'push', payload } });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.outputs['has-changes']).toBe('true');
    expect(JSON.parse(run.outputs.models!)).toEqual(['chat']);
    const matrix = JSON.parse(run.outputs.matrix!) as { include: Record<string, unknown>[] };
    expect(matrix.include.map((e) => [e.model, e.target, e['runs-on']])).toEqual([
      ['chat', 'cpu', ['ubuntu-latest']],
      ['chat', 'cuda-h100', ['self-hosted', 'linux', 'x64', 'cuda', 'h100']],
    ]);
    expect(JSON.parse(run.outputs['models-matrix']!)).toEqual({
      include: [
        { model: 'chat', version: '1.0.0', folder: 'models/chat', manifest: 'models/chat/model.yml' },
      ],
    });
    expect(run.summary).toContain('## Gantry plan');
    expect(run.summary).toContain('cuda-h100');
    const plan = BuildPlan.parse(JSON.parse(readFileSync(run.outputs.plan!, 'utf8')));
    expect(plan.scope).toEqual({ kind: 'changes', base: first, head: second });
    expect(run.outputs.plan).toBe(join(repo.dir, 'gantry-results', 'plan.json'));
  });

  it('names the images under $GANTRY_REGISTRY when no registry input is given, as gantry plan does', async () => {
    const { repo, first, second } = await twoModels();
    const payload = { ...examplePayload('push'), before: first, after: second, ref: 'refs/heads/main' };
    const run = await runAction('plan', {
      cwd: repo.dir,
      event: { name: 'push', payload },
      env: { GANTRY_REGISTRY: 'ghcr.io/acme' },
    });
    expect(run.code).toBe(0);
    const matrix = JSON.parse(run.outputs.matrix!) as { include: { image: string }[] };
    expect(matrix.include.map((e) => e.image)).toEqual([
      'ghcr.io/acme/chat:1.0.0-cpu',
      'ghcr.io/acme/chat:1.0.0-cuda-h100',
    ]);
  });

  it("plans a pull request against its base commit, and every model for a new branch's push", async () => {
    const { repo, first } = await twoModels();
    const pr = examplePayload('pull_request', 'opened');
    (pr.pull_request as { base: { sha: string } }).base.sha = first;
    const pull = await runAction('plan', { cwd: repo.dir, event: { name: 'pull_request', payload: pr } });
    expect(pull.code).toBe(0);
    expect(JSON.parse(pull.outputs.models!)).toEqual(['chat']);

    // The example push is of a new ref: GitHub sends the all-zeros SHA as `before`.
    const push = examplePayload('push');
    expect(push.before).toMatch(/^0+$/);
    const all = await runAction('plan', { cwd: repo.dir, event: { name: 'push', payload: push } });
    expect(all.code).toBe(0);
    expect(JSON.parse(all.outputs.models!).sort()).toEqual(['chat', 'churn']);
  });

  it('says there is nothing to build when no model changed', async () => {
    const { repo } = await twoModels();
    await repo.commit({ 'README.md': '# models\n' });
    const run = await runAction('plan', { cwd: repo.dir, inputs: { base: 'HEAD~1' } });
    expect(run.code).toBe(0);
    expect(run.outputs['has-changes']).toBe('false');
    expect(JSON.parse(run.outputs.matrix!)).toEqual({ include: [] });
  });

  it('fails the step with the located problem when a planned manifest is invalid', async () => {
    const { repo } = await twoModels();
    await repo.commit({
      'models/chat/model.yml':
        'name: chat\nversion: 1.0.0\ntask: rest\nserver: { type: rest }\ntargets: [{ name: cpu, platform: quantum }]\n',
    });
    const run = await runAction('plan', { cwd: repo.dir, inputs: { base: 'HEAD~1' } });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /::error::the plan stopped at 1 manifest problem.*models\/chat\/model\.yml:5/s,
    );
    expect(run.outputs['has-changes']).toBe('false');
    expect(run.summary).toContain('invalid manifests');
    expect(existsSync(join(repo.dir, 'gantry-results', 'plan.json'))).toBe(false);
  });
});
