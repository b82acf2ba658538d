// Times `gantry plan` on a temporary monorepo of 1,000 models: a cold first run, then the median of
// several. Run with `npm run bench:plan`.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { planRepository } from '../core/plan/plan-repository.js';

const MODELS = 1000;
const RUNS = 5;
const TARGET_MS = 1000;
/** Every DEPENDENT_EVERY-th model depends on the shared tokenizer that the second commit changes. */
const DEPENDENT_EVERY = 20;
const EDITED = [3, 400, 999];

const modelFolder = (i: number) => `models/m${String(i).padStart(4, '0')}`;

function manifest(i: number): string {
  const lines = [
    `name: acme/model-${i}`,
    `version: 1.${i % 7}.0`,
    'task: llm',
    'server:',
    '  type: openai',
    '  command: [python3, server.py]',
    'targets:',
    '  - name: cpu',
    '    platform: cpu',
  ];
  if (i % 2 === 0) lines.push('  - name: cuda-h100', '    platform: cuda', '    accelerator: h100');
  if (i % DEPENDENT_EVERY === 0) lines.push('depends_on: [../../shared/tok]');
  return `${lines.join('\n')}\n`;
}

/** A `git fast-import` commit writing files inline; a later commit to the branch follows the earlier one. */
function commit(message: string, files: Record<string, string>): string {
  // A blank line ends a commit in the stream, so every record ends with exactly one newline.
  const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  const changes = Object.entries(files).map(([path, text]) => `M 100644 inline ${path}\n${data(text)}`);
  return [
    'commit refs/heads/main\n',
    'committer Bench <bench@example.com> 1700000000 +0000\n',
    data(message),
    ...changes,
  ].join('');
}

function buildRepository(dir: string): void {
  const first: Record<string, string> = { 'shared/tok/vocab.txt': 'a b c\n' };
  for (let i = 0; i < MODELS; i++) {
    first[`${modelFolder(i)}/model.yml`] = manifest(i);
    first[`${modelFolder(i)}/server.py`] = `print(${i})\n`;
  }
  const second: Record<string, string> = { 'shared/tok/vocab.txt': 'a b c d\n' };
  for (const i of EDITED) second[`${modelFolder(i)}/server.py`] = `print(${i} + 1)\n`;
  execFileSync('git', ['init', '--quiet', '--initial-branch=main', dir]);
  execFileSync('git', ['fast-import', '--quiet'], {
    cwd: dir,
    input: commit('1,000 models', first) + commit('edit three models and the tokenizer', second),
  });
  execFileSync('git', ['reset', '--quiet', '--hard', 'main'], { cwd: dir });
}

async function timePlan(cwd: string) {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const outcome = await planRepository({ cwd });
  const ms = performance.now() - started;
  const { user, system } = process.cpuUsage(cpu);
  if (outcome.plan === undefined) throw new Error(`the plan failed: ${JSON.stringify(outcome.errors)}`);
  return { ms, cpuMs: (user + system) / 1000, plan: outcome.plan };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const dir = mkdtempSync(join(tmpdir(), 'gantry-bench-plan-'));
try {
  const setupStarted = performance.now();
  buildRepository(dir);
  const setupMs = performance.now() - setupStarted;

  const cold = await timePlan(dir);
  const warm: number[] = [];
  const warmCpu: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const { ms, cpuMs } = await timePlan(dir);
    warm.push(ms);
    warmCpu.push(cpuMs);
  }
  const { plan } = cold;

  // The whole command as CI runs it: a fresh node process, bundled CLI, JSON out.
  const cli = join(import.meta.dirname, '..', 'bin', 'gantry.js');
  let processMs: number | undefined;
  if (existsSync(join(import.meta.dirname, '..', 'build', 'cli.js'))) {
    const started = performance.now();
    const result = spawnSync(process.execPath, [cli, 'plan', '--format', 'json'], { cwd: dir });
    if (result.status === 0) processMs = performance.now() - started;
  }

  const expected =
    EDITED.length +
    Math.ceil(MODELS / DEPENDENT_EVERY) -
    EDITED.filter((i) => i % DEPENDENT_EVERY === 0).length;
  const fixed = (ms: number) => `${ms.toFixed(0)} ms`;
  const verdict = median(warm) < TARGET_MS ? 'within' : 'OVER';
  console.log(`gantry plan on a temporary repository of ${MODELS} models (setup ${fixed(setupMs)})`);
  console.log(`  models found      ${plan.manifests_found}`);
  console.log(
    `  models changed    ${plan.models.length} (expected ${expected}: ${EDITED.length} edited, the rest through shared/tok)`,
  );
  console.log(`  matrix entries    ${plan.matrix.length}`);
  console.log(`  cold first run    ${fixed(cold.ms)} (this process's CPU time: ${fixed(cold.cpuMs)})`);
  console.log(
    `  median of ${RUNS}       ${fixed(median(warm))} (runs: ${warm.map((ms) => ms.toFixed(0)).join(', ')}; CPU time ${fixed(median(warmCpu))})`,
  );
  if (processMs !== undefined)
    console.log(`  bin/gantry.js     ${fixed(processMs)} (a fresh process, start-up included)`);
  console.log(`  target            < ${TARGET_MS} ms: ${verdict}`);
  // Git runs in child processes, outside this process's CPU time; a busy machine stretches wall time.
  const load = loadavg()[0]!;
  console.log(`  machine           load average ${load.toFixed(1)} on ${availableParallelism()} cores`);
  if (plan.models.length !== expected || verdict === 'OVER') process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
