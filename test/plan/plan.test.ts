import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BuildPlan } from '../../schemas/build-plan.js';
import { type GitRepo, gitRepo } from '../support/git-repo.js';
import { runCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';

function manifest(name: string, extra = ''): string {
  return `name: ${name}\nversion: 1.0.0\ntask: llm\nserver:\n  type: openai\n  command: [node, server.mjs]\n${extra}`;
}

const GPU_TARGETS = `targets:
  - name: cpu
    platform: cpu
  - name: cuda-h100
    platform: cuda
    accelerator: h100
    gpus: 2
`;

/** Three models in one repository; asr depends on a shared tokenizer folder. */
async function monorepo(): Promise<GitRepo & { first: string }> {
  const repo = await gitRepo();
  const first = await repo.commit({
    'models/chat/model.yml': manifest('acme/chat', GPU_TARGETS),
    'models/chat/weights.bin': 'v1',
    'models/asr/model.yml': manifest('acme/asr', 'depends_on: [../../shared/tok]\n'),
    'models/asr/server.mjs': '',
    'models/embed/model.yml': manifest('acme/embed'),
    'shared/tok/vocab.txt': 'a b c',
    'README.md': 'models',
  });
  return { ...repo, first };
}

async function planJson(repo: GitRepo, args: string[] = [], env: NodeJS.ProcessEnv = {}) {
  const run = await runCli(['plan', '--format', 'json', ...args], { cwd: repo.dir, env });
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return BuildPlan.parse(JSON.parse(run.stdout));
}

const names = (plan: BuildPlan) => plan.models.map((m) => m.name);

/** Commits a file at `from`, then a commit that only moves it to `to` (the same content: a rename). */
async function renameInCommit(repo: GitRepo, from: string, to: string): Promise<void> {
  await repo.commit({ [from]: `content long enough for git to see a rename: ${from}\n`.repeat(20) });
  mkdirSync(dirname(join(repo.dir, to)), { recursive: true });
  await repo.git.mv(from, to);
  await repo.commit({});
}

describe('gantry plan', () => {
  it('plans only the model whose folder changed, one matrix entry per target', async () => {
    const repo = await monorepo();
    const head = await repo.commit({ 'models/chat/weights.bin': 'v2' });
    const plan = await planJson(repo);
    expect(plan.scope).toEqual({ kind: 'changes', base: repo.first, head });
    expect(plan.manifests_found).toBe(3);
    expect(plan.models).toEqual([
      {
        name: 'acme/chat',
        version: '1.0.0',
        folder: 'models/chat',
        manifest: 'models/chat/model.yml',
        reasons: [{ kind: 'changed', path: 'models/chat/weights.bin' }],
      },
    ]);
    expect(plan.matrix).toEqual([
      {
        model: 'acme/chat',
        version: '1.0.0',
        folder: 'models/chat',
        manifest: 'models/chat/model.yml',
        target: 'cpu',
        platform: 'cpu',
        arch: 'amd64',
        gpus: 0,
        'runs-on': ['ubuntu-latest'],
        image: '127.0.0.1:5000/acme/chat:1.0.0-cpu',
      },
      {
        model: 'acme/chat',
        version: '1.0.0',
        folder: 'models/chat',
        manifest: 'models/chat/model.yml',
        target: 'cuda-h100',
        platform: 'cuda',
        arch: 'amd64',
        accelerator: 'h100',
        gpus: 2,
        'runs-on': ['self-hosted', 'linux', 'x64', 'cuda', 'h100'],
        image: '127.0.0.1:5000/acme/chat:1.0.0-cuda-h100',
      },
    ]);
    expect(plan.removed).toEqual([]);
  });

  it('says in text which models changed and why, and the images they get', async () => {
    const repo = await monorepo();
    await repo.commit({ 'models/chat/weights.bin': 'v2', 'shared/tok/vocab.txt': 'a b c d' });
    const { code, stdout } = await runCli(['plan'], { cwd: repo.dir });
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^2 of 3 models changed between [0-9a-f]{12} and [0-9a-f]{12}: 3 images to build\n/,
    );
    expect(stdout).toContain('acme/chat 1.0.0 (models/chat)\n  changed: models/chat/weights.bin\n');
    expect(stdout).toContain('acme/asr 1.0.0 (models/asr)\n  depends on shared/tok: shared/tok/vocab.txt\n');
    expect(stdout).toMatch(
      /acme\/chat +1\.0\.0 +cuda-h100 +cuda\/h100 +amd64 +2 +self-hosted,linux,x64,cuda,h100 +127\.0\.0\.1:5000\/acme\/chat:1\.0\.0-cuda-h100\n/,
    );
    expect(stdout).not.toContain('acme/embed');
  });

  it('rebuilds a model when a folder it depends on changes', async () => {
    const repo = await monorepo();
    await repo.commit({ 'shared/tok/merges.txt': 'new file' });
    const plan = await planJson(repo);
    expect(plan.models).toEqual([
      expect.objectContaining({
        name: 'acme/asr',
        reasons: [{ kind: 'dependency', dependency: 'shared/tok', path: 'shared/tok/merges.txt' }],
      }),
    ]);
  });

  it('plans nothing for a change outside every model and dependency', async () => {
    const repo = await monorepo();
    await repo.commit({ 'README.md': 'more about models' });
    const plan = await planJson(repo);
    expect(plan.models).toEqual([]);
    expect(plan.matrix).toEqual([]);
    const text = await runCli(['plan'], { cwd: repo.dir });
    expect(text.stdout).toMatch(
      /^no model changed between \w+ and \w+ \(3 models found\): nothing to build\n$/,
    );
  });

  it('counts a rename for the folder it left and the folder it entered', async () => {
    const repo = await monorepo();
    await renameInCommit(repo, 'models/chat/big.bin', 'models/embed/big.bin');
    const plan = await planJson(repo);
    expect(plan.models.map((m) => [m.name, m.reasons])).toEqual([
      ['acme/chat', [{ kind: 'changed', path: 'models/chat/big.bin' }]],
      ['acme/embed', [{ kind: 'changed', path: 'models/embed/big.bin' }]],
    ]);
  });

  it('counts a rename into a model folder, and out of one, from and to outside every model', async () => {
    const repo = await monorepo();
    await renameInCommit(repo, 'incoming/eval.jsonl', 'models/embed/eval.jsonl');
    expect(names(await planJson(repo))).toEqual(['acme/embed']);
    await renameInCommit(repo, 'models/chat/old.bin', 'archive/old.bin');
    expect(names(await planJson(repo))).toEqual(['acme/chat']);
  });

  it('reports a model whose model.yml was deleted as removed, and builds nothing for it', async () => {
    const repo = await monorepo();
    await repo.commit({ 'models/embed/model.yml': null });
    const plan = await planJson(repo);
    expect(plan.models).toEqual([]);
    expect(plan.matrix).toEqual([]);
    expect(plan.removed).toEqual([
      { name: 'acme/embed', folder: 'models/embed', manifest: 'models/embed/model.yml' },
    ]);
    const text = await runCli(['plan'], { cwd: repo.dir });
    expect(text.stdout).toContain('removed: acme/embed (models/embed/model.yml deleted)\n');
  });

  it('plans a moved model at its new folder without calling it removed', async () => {
    const repo = await monorepo();
    await repo.git.mv('models/embed', 'models/embedding');
    await repo.commit({});
    const plan = await planJson(repo);
    expect(plan.models.map((m) => m.folder)).toEqual(['models/embedding']);
    expect(plan.removed).toEqual([]);
  });

  it('plans a newly added model', async () => {
    const repo = await monorepo();
    await repo.commit({ 'models/tts/model.yml': manifest('acme/tts') });
    expect(names(await planJson(repo))).toEqual(['acme/tts']);
  });

  it('compares any two refs: a branch against main', async () => {
    const repo = await monorepo();
    await repo.git.checkoutLocalBranch('feature');
    await repo.commit({ 'models/chat/weights.bin': 'v2' });
    await repo.commit({ 'models/asr/server.mjs': 'changed' });
    await repo.git.checkout('main');
    const plan = await planJson(repo, ['--base', 'main', '--head', 'feature']);
    expect(names(plan)).toEqual(['acme/asr', 'acme/chat']);
    // The default base is the head's first parent: only the last commit of the branch.
    expect(names(await planJson(repo, ['--head', 'feature']))).toEqual(['acme/asr']);
  });

  it('reads manifests as they are at the head ref, not in the working tree', async () => {
    const repo = await monorepo();
    const old = repo.first;
    await repo.commit({ 'models/chat/model.yml': manifest('acme/chat').replace('1.0.0', '2.0.0') });
    writeFileSync(join(repo.dir, 'models/chat/model.yml'), 'broken: [');
    const plan = await planJson(repo, ['--all', '--head', old]);
    expect(plan.matrix.find((e) => e.model === 'acme/chat')?.version).toBe('1.0.0');
    const now = await planJson(repo);
    expect(now.matrix.map((e) => e.image)).toEqual(['127.0.0.1:5000/acme/chat:2.0.0-cpu']);
  });

  it('checks paths in a manifest against the tree at the head ref', async () => {
    const repo = await monorepo();
    // On disk but never committed: the build at that commit would not have it.
    writeFileSync(join(repo.dir, 'models/embed/eval.jsonl'), '{}\n');
    await repo.commit({
      'models/embed/model.yml': manifest(
        'acme/embed',
        'evaluation:\n  quality:\n    evaluator: exact_match\n    dataset: eval.jsonl\n',
      ),
    });
    await repo.git.rm(['--cached', 'models/embed/eval.jsonl']);
    await repo.git.commit('untrack the dataset');
    const run = await runCli(['plan', '--all'], { cwd: repo.dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'models/embed/model.yml:10:14: error: evaluation.quality.dataset: "eval.jsonl" does not exist',
    );
  });

  it('plans every model with --all, with the reason', async () => {
    const repo = await monorepo();
    const head = await repo.commit({ 'README.md': 'x' });
    const plan = await planJson(repo, ['--all']);
    expect(plan.scope).toEqual({ kind: 'all', head, why: 'requested' });
    expect(names(plan)).toEqual(['acme/asr', 'acme/chat', 'acme/embed']);
    expect(plan.matrix).toHaveLength(4);
    expect(plan.models.every((m) => m.reasons.length === 0)).toBe(true);
  });

  it('plans every model when the base is the all-zeros commit of a new branch', async () => {
    const repo = await monorepo();
    await repo.commit({ 'README.md': 'x' });
    const plan = await planJson(repo, ['--base', '0'.repeat(40)]);
    expect(plan.scope).toMatchObject({ kind: 'all', why: 'new-branch' });
    expect(names(plan)).toHaveLength(3);
  });

  it('plans every model when the head commit has no parent', async () => {
    const repo = await monorepo();
    const plan = await planJson(repo);
    expect(plan.scope).toEqual({ kind: 'all', head: repo.first, why: 'no-parent' });
    expect(names(plan)).toHaveLength(3);
    const text = await runCli(['plan'], { cwd: repo.dir });
    expect(text.stdout).toMatch(
      /^all 3 models at \w+, the head commit has no parent to compare with: 4 images/,
    );
  });

  it('fails on an invalid manifest of a changed model, with located errors', async () => {
    const repo = await monorepo();
    await repo.commit({ 'models/chat/model.yml': manifest('acme/chat').replace('1.0.0', 'one') });
    const run = await runCli(['plan', '--format', 'json'], { cwd: repo.dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      'models/chat/model.yml:2:10: error: version: must be a semantic version like 1.2.0 (no leading "v")\n',
    );
  });

  it('only warns about an invalid manifest of a model that did not change', async () => {
    const repo = await monorepo();
    await repo.commit({ 'models/embed/model.yml': 'name: acme/embed\nversion: 1.0.0\n' });
    await repo.commit({ 'models/chat/weights.bin': 'v2' });
    const run = await runCli(['plan', '--format', 'json'], { cwd: repo.dir });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(
      'models/embed/model.yml:1:1: warning: task: missing required field "task" (one of llm, asr, embedding, tts, multimodal, rest) (and 1 more); the model did not change, so it is not planned: gantry validate models/embed/model.yml lists every problem\n',
    );
    expect(names(BuildPlan.parse(JSON.parse(run.stdout)))).toEqual(['acme/chat']);
  });

  it('fails when two manifests share a name, pointing at the second', async () => {
    const repo = await monorepo();
    await repo.commit({ 'models/tts/model.yml': `# speech\n${manifest('acme/chat')}` });
    const run = await runCli(['plan'], { cwd: repo.dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'models/tts/model.yml:2:7: error: name: model name "acme/chat" is already used by models/chat/model.yml; names must be unique in the repository\n',
    );
  });

  it('names a ref that does not exist, exits 2, and shows no stack trace', async () => {
    const repo = await monorepo();
    const run = await runCli(['plan', '--base', 'no-such-branch'], { cwd: repo.dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^gantry: --base "no-such-branch" does not name a commit in this repository/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    const head = await runCli(['plan', '--head', 'v9'], { cwd: repo.dir });
    expect(head.code).toBe(2);
    expect(head.stderr).toContain('--head "v9" does not name a commit');
  });

  it('says so outside a git repository', async () => {
    const run = await runCli(['plan'], { cwd: tempDir() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('is not inside a git repository');
  });

  it('runs from any folder inside the repository', async () => {
    const repo = await monorepo();
    await repo.commit({ 'models/chat/weights.bin': 'v2' });
    const run = await runCli(['plan', '--format', 'json'], { cwd: join(repo.dir, 'models/asr') });
    expect(run.code).toBe(0);
    expect(names(BuildPlan.parse(JSON.parse(run.stdout)))).toEqual(['acme/chat']);
  });

  it('takes the registry from --registry, else from GANTRY_REGISTRY', async () => {
    const repo = await monorepo();
    const fromEnv = await planJson(repo, [], { GANTRY_REGISTRY: 'registry.example:5000/team' });
    expect(fromEnv.matrix[0]?.image).toBe('registry.example:5000/team/acme/asr:1.0.0-cpu');
    const fromOption = await planJson(repo, ['--registry', 'ghcr.io/acme/'], { GANTRY_REGISTRY: 'x' });
    expect(fromOption.matrix[0]?.image).toBe('ghcr.io/acme/acme/asr:1.0.0-cpu');
  });
});

describe('gantry plan --format github', () => {
  it('appends matrix, models and has-changes to GITHUB_OUTPUT, the matrix ready for fromJSON()', async () => {
    const repo = await monorepo();
    await repo.commit({ 'models/chat/weights.bin': 'v2' });
    const output = join(tempDir(), 'github-output');
    writeFileSync(output, 'earlier=kept\n');
    const run = await runCli(['plan', '--format', 'github'], {
      cwd: repo.dir,
      env: { GITHUB_OUTPUT: output },
    });
    expect(run.code).toBe(0);
    const lines = readFileSync(output, 'utf8').split('\n');
    expect(lines[0]).toBe('earlier=kept');
    expect(lines.slice(2)).toEqual(['models=["acme/chat"]', 'has-changes=true', '']);
    expect(lines[1]).toMatch(/^matrix=\{"include":\[/);
    const matrix = JSON.parse(lines[1]!.slice('matrix='.length));
    expect(matrix.include.map((e: { target: string }) => e.target)).toEqual(['cpu', 'cuda-h100']);
    expect(matrix.include[1]['runs-on']).toEqual(['self-hosted', 'linux', 'x64', 'cuda', 'h100']);
    expect(JSON.parse(run.stdout)).toEqual(matrix);
    expect(run.stderr).toContain('acme/chat 1.0.0 (models/chat)\n  changed: models/chat/weights.bin\n');
  });

  it('says clearly when GITHUB_OUTPUT cannot be written', async () => {
    const repo = await monorepo();
    const output = join(tempDir(), 'no/such/folder/output');
    const run = await runCli(['plan', '--format', 'github'], {
      cwd: repo.dir,
      env: { GITHUB_OUTPUT: output },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`gantry: cannot write the step outputs to GITHUB_OUTPUT (${output})`);
  });

  it('writes has-changes=false and a matrix that still parses when nothing changed', async () => {
    const repo = await monorepo();
    await repo.commit({ 'README.md': 'x' });
    const output = join(tempDir(), 'github-output');
    const run = await runCli(['plan', '--format', 'github'], {
      cwd: repo.dir,
      env: { GITHUB_OUTPUT: output },
    });
    expect(run.code).toBe(0);
    expect(readFileSync(output, 'utf8')).toBe('matrix={"include":[]}\nmodels=[]\nhas-changes=false\n');
  });

  it('prints the matrix without GITHUB_OUTPUT', async () => {
    const repo = await monorepo();
    const run = await runCli(['plan', '--format', 'github'], { cwd: repo.dir });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).include).toHaveLength(4);
  });
});

describe('bin/gantry.js plan', () => {
  it('runs as a process in a real repository', async () => {
    const repo = await monorepo();
    await repo.commit({ 'shared/tok/vocab.txt': 'changed' });
    const result = spawnSync(
      process.execPath,
      [join(process.cwd(), 'bin/gantry.js'), 'plan', '--format', 'json'],
      {
        cwd: repo.dir,
        encoding: 'utf8',
        env: { PATH: process.env.PATH },
      },
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(names(BuildPlan.parse(JSON.parse(result.stdout)))).toEqual(['acme/asr']);
  });

  it('explains itself with --help', () => {
    const result = spawnSync(process.execPath, [join(process.cwd(), 'bin/gantry.js'), 'plan', '--help'], {
      encoding: 'utf8',
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('--base <ref>');
    expect(result.stdout).toContain('depends_on');
    expect(result.stdout).toContain('fromJSON');
  });
});
