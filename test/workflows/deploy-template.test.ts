import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { splitCommandLine } from '../../core/split-command-line.js';
import { examplePayload } from '../actions/run-action.js';
import { gitRepo } from '../support/git-repo.js';
import { benchRuns } from '../support/results-factory.js';
import { runCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';

interface Step {
  name?: string;
  run?: string;
  uses?: string;
  with?: Record<string, string>;
}

const workflow = parse(readFileSync('workflows-templates/gantry-deploy.yml', 'utf8')) as {
  jobs: { deploy: { env: Record<string, string>; steps: Step[] } };
};
const { deploy } = workflow.jobs;

/** `${{ github.event.… }}` as the runner evaluates it, from the event payload. */
function evaluate(text: string, event: Record<string, unknown>): string {
  return text.replace(/\$\{\{\s*github\.event\.([\w.-]+)\s*\}\}/g, (_, path: string) => {
    const value = path
      .split('.')
      .reduce<unknown>((node, key) => (node as Record<string, unknown>)?.[key], event);
    return value === undefined || value === null ? '' : String(value);
  });
}

const manifest = (version: string) =>
  `name: chat\nversion: ${version}\ntask: llm\nserver: { type: openai, command: [node, server.mjs] }\nbenchmark:\n  chat: { kind: openai-chat }\n`;

/** A model repository whose registry has 1.2.0 and then 1.3.0 in production, shared through an origin. */
async function promotedTwice() {
  const repo = await gitRepo();
  const origin = tempDir('gantry-origin-');
  spawnSync('git', ['init', '--bare', '-q', origin]);
  await repo.git.addRemote('origin', origin);
  const cli = (...argv: string[]) => runCli(argv, { cwd: repo.dir, env: { GITHUB_ACTOR: 'octocat' } });
  for (const version of ['1.2.0', '1.3.0']) {
    const sha = await repo.commit({ 'models/chat/model.yml': manifest(version) }, `chat ${version}`);
    const run = join(tempDir('gantry-run-'), 'run');
    mkdirSync(run);
    writeFileSync(join(run, 'bench-chat-1.json'), JSON.stringify(benchRuns(1, { seed: 1 })[0]));
    expect((await cli('registry', 'record', 'models/chat', '--run', run, '--commit', sha)).code).toBe(0);
    const promoted = await cli(
      'registry',
      'promote',
      `chat@${version}`,
      '--env',
      'production',
      '--force',
      '--note',
      'test',
    );
    expect(promoted.stderr).toBe('');
  }
  await repo.git.push('origin', 'main');
  await repo.git.raw(['push', 'origin', 'refs/tags/*', 'refs/gantry/*', 'refs/heads/gantry-audit']);
  return { repo, origin, cli };
}

function runStep(name: string, cwd: string, event: Record<string, unknown>) {
  const step = deploy.steps.find((s) => s.name?.startsWith(name))!;
  const env = Object.fromEntries(Object.entries(deploy.env).map(([k, v]) => [k, evaluate(v, event)]));
  return spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run!], {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, ...env },
  });
}

describe('gantry-deploy.yml', () => {
  it('rolls a failed deployment back: the previous version checked out, the registry rolled back and published', async () => {
    const { repo, origin, cli } = await promotedTwice();
    const event = examplePayload('deployment');
    const deployment = event.deployment as Record<string, unknown>;
    deployment.payload = {
      model: 'chat',
      version: '1.3.0',
      folder: 'models/chat',
      previous_version: '1.2.0',
    };
    deployment.environment = 'production';

    const checkout = runStep('Check out the previous version', repo.dir, event);
    expect(checkout.status).toBe(0);
    expect(readFileSync(join(repo.dir, 'models/chat/model.yml'), 'utf8')).toContain('version: 1.2.0');

    const rollback = deploy.steps.find((s) => s.name === 'Roll the registry back')!;
    expect(rollback.uses).toMatch(/^gantry-ml\/gantry@/);
    const rolled = await runCli(splitCommandLine(evaluate(rollback.with!.command!, event)), {
      cwd: repo.dir,
      env: { GITHUB_ACTOR: 'github-actions[bot]' },
    });
    expect(rolled.stderr).toBe('');
    expect(rolled.code).toBe(0);
    const history = JSON.parse(
      (await cli('registry', 'history', 'chat', '--env', 'production', '--format', 'json')).stdout,
    ) as { from: string; to: string; reason: string; note?: string }[];
    expect(history.at(-1)).toMatchObject({
      from: '1.3.0',
      to: '1.2.0',
      reason: 'rollback',
      note: 'deploy of 1.3.0 failed',
    });

    const publish = runStep('Publish the registry', repo.dir, event);
    expect(publish.stderr).not.toContain('rejected');
    expect(publish.status).toBe(0);
    const shared = spawnSync('git', ['log', '--format=%s', '-1', 'refs/heads/gantry-audit'], {
      cwd: origin,
      encoding: 'utf8',
    });
    expect(shared.status).toBe(0);
  });
});
