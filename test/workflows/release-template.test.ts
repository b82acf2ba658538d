import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { gateReportOf } from '../../core/app/gate-check.js';
import { runGate } from '../../core/gate/run-gate.js';
import { parseManifest } from '../../core/manifest/parse-manifest.js';
import { splitCommandLine } from '../../core/split-command-line.js';
import { BUILD_RECORD_VERSION, type BuildRecord } from '../../schemas/build-record.js';
import { parseOutputs } from '../actions/run-action.js';
import { gitRepo } from '../support/git-repo.js';
import { accuracyRun, benchRuns } from '../support/results-factory.js';
import { runCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';

const MANIFEST = `name: chat
version: 1.3.0
task: llm
server: { type: openai, command: [node, server.mjs] }
targets: [{ name: cpu, platform: cpu }, { name: cuda-l4, platform: cuda, accelerator: l4 }]
benchmark:
  chat: { kind: openai-chat }
evaluation:
  holdout: { evaluator: accuracy, dataset: test.jsonl }
`;

const correct = (n: number) => Array.from({ length: n }, (_, i) => i % 12 !== 0);

function buildRecord(target: string, sha: string): BuildRecord {
  return {
    schema_version: BUILD_RECORD_VERSION,
    model: 'chat',
    version: '1.3.0',
    target,
    platform: target === 'cpu' ? 'cpu' : 'cuda',
    arch: 'amd64',
    server: 'openai',
    image: `ghcr.io/acme/chat:1.3.0-${target}`,
    tags: [`ghcr.io/acme/chat:1.3.0-${target}`],
    image_id: `sha256:${'1'.repeat(64)}`,
    digest: `sha256:${(target === 'cpu' ? 'a' : 'b').repeat(64)}`,
    pinned: `ghcr.io/acme/chat@sha256:${(target === 'cpu' ? 'a' : 'b').repeat(64)}`,
    pushed: true,
    size_bytes: 1000,
    layers: 3,
    duration_ms: 1000,
    dockerfile: 'dockerfiles/openai/cuda.Dockerfile',
    git_sha: sha,
    built_at: '2026-11-23T10:00:00.000Z',
  };
}

/** The `gantry-results` artifact of a CI run, as the release workflow downloads it. */
function ciResults(dir: string, sha: string) {
  const write = (path: string, value: unknown) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), JSON.stringify(value));
  };
  const candidate = [];
  for (const target of ['cpu', 'cuda-l4']) {
    write(`gantry-results/chat/${target}/build-${target}.json`, buildRecord(target, sha));
    const bench = benchRuns(1, { seed: 1, target, profile: 'chat' })[0]!;
    write(`gantry-results/chat/${target}/bench-chat-1.json`, bench);
    write(`gantry-results/chat/${target}/eval-holdout.json`, accuracyRun(correct(120)));
    candidate.push(bench);
  }
  const manifest = parseManifest(MANIFEST, 'models/chat/model.yml', { pathExists: () => true }).manifest!;
  const baseline = benchRuns(1, { seed: 2, target: 'cpu', profile: 'chat' });
  const verdict = runGate({
    candidate,
    baseline,
    manifest,
    locateRule: () => undefined,
    allowTestbedMismatch: true,
  });
  write('gantry-results/chat/verdict.json', verdict);
  write(
    'gantry-results/chat/gate-report.json',
    gateReportOf({
      model: 'chat',
      candidateVersion: '1.3.0',
      baselineVersion: '1.2.0',
      verdict,
      candidate,
      baseline,
    }),
  );
}

/** A step's run: script from the release template, run by bash as the runner runs it. */
function templateStep(name: string): { run: string } {
  const workflow = parse(readFileSync('workflows-templates/gantry-release.yml', 'utf8')) as {
    jobs: Record<string, { steps: { name?: string; run?: string }[] }>;
  };
  const step = Object.values(workflow.jobs)
    .flatMap((j) => j.steps)
    .find((s) => s.name === name);
  return { run: step!.run! };
}

describe('gantry-release.yml', () => {
  it("hands a CI run's records to gantry registry record, every target's builds and results", async () => {
    const repo = await gitRepo();
    const sha = await repo.commit({ 'models/chat/model.yml': MANIFEST, 'models/chat/test.jsonl': '{}\n' });
    ciResults(repo.dir, sha);
    const output = join(tempDir('gantry-release-'), 'output');
    writeFileSync(output, '');
    const gather = spawnSync(
      'bash',
      ['--noprofile', '--norc', '-eo', 'pipefail', '-c', templateStep("Gather the version's records").run],
      {
        cwd: repo.dir,
        encoding: 'utf8',
        env: {
          PATH: process.env.PATH,
          GITHUB_OUTPUT: output,
          MODEL: 'chat',
          FOLDER: 'models/chat',
          RUN_URL: 'https://github.com/acme/models/actions/runs/42',
          SHA: sha,
        },
      },
    );
    expect(gather.stderr).toBe('');
    expect(gather.status).toBe(0);
    const { command } = parseOutputs(readFileSync(output, 'utf8'));
    expect(command).toContain('--gated-against 1.2.0');

    // The root action runs the command line as the CLI does.
    const recorded = await runCli(splitCommandLine(command!), { cwd: repo.dir });
    expect(recorded.stderr).toBe('');
    expect(recorded.code).toBe(0);
    const shown = await runCli(['registry', 'show', 'chat@1.3.0', '--format', 'json'], { cwd: repo.dir });
    const version = JSON.parse(shown.stdout) as {
      git_sha: string;
      images: Record<string, { pinned?: string }>;
      gate: { verdict: string; against?: string };
      records: { kind: string; name: string }[];
      lineage: { run_id?: string };
    };
    expect(version.git_sha).toBe(sha);
    expect(Object.keys(version.images).sort()).toEqual(['cpu', 'cuda-l4']);
    expect(version.gate.against).toBe('1.2.0');
    expect(version.lineage.run_id).toBe('42');
    const kinds = version.records.map((r) => r.kind).sort();
    expect(kinds).toEqual(['bench', 'bench', 'build', 'build', 'eval', 'eval', 'gate', 'manifest']);
  });

  it('publishes the refs and the audit branch that registry record wrote', async () => {
    const repo = await gitRepo();
    const sha = await repo.commit({ 'models/chat/model.yml': MANIFEST, 'models/chat/test.jsonl': '{}\n' });
    ciResults(repo.dir, sha);
    const origin = tempDir('gantry-origin-');
    spawnSync('git', ['init', '--bare', '-q', origin]);
    await repo.git.addRemote('origin', origin);
    expect(
      (
        await runCli(
          ['registry', 'record', 'models/chat', '--run', 'gantry-results/chat/cpu', '--commit', sha],
          { cwd: repo.dir },
        )
      ).code,
    ).toBe(0);
    const publish = spawnSync(
      'bash',
      ['-eo', 'pipefail', '-c', templateStep('Publish the registry and its audit log').run],
      {
        cwd: repo.dir,
        encoding: 'utf8',
      },
    );
    expect(publish.status).toBe(0);
    const refs = spawnSync('git', ['for-each-ref', '--format=%(refname)'], {
      cwd: origin,
      encoding: 'utf8',
    }).stdout;
    expect(refs).toContain('refs/tags/chat@1.3.0');
    expect(refs).toContain('refs/gantry/versions/chat@1.3.0');
    expect(refs).toContain('refs/heads/gantry-audit');
  });
});
