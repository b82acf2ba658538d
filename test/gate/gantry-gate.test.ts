import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GateVerdict } from '../../schemas/gate-verdict.js';
import { benchRuns } from '../support/results-factory.js';
import { runCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';

const MANIFEST = [
  'name: acme/chat',
  'version: 1.1.0',
  'task: llm',
  'server: { type: openai, command: x }',
  'benchmark:',
  '  chat: { kind: openai-chat }',
  'gates:',
  '  rules:',
  '    - metric: ttft_ms.p95',
  '      relative: 0.10',
  '',
].join('\n');

function files(dir: string, prefix: string, runs: unknown[]): string[] {
  return runs.map((run, i) => {
    const file = join(dir, `${prefix}-${i}.json`);
    writeFileSync(file, JSON.stringify(run));
    return file;
  });
}

describe('gantry gate', () => {
  it('exits 1 on a regression and writes a verdict pointing at the rule in model.yml', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'model.yml'), MANIFEST);
    const out = join(dir, 'verdict.json');
    const run = await runCli(
      [
        'gate',
        '--candidate',
        ...files(dir, 'cand', benchRuns(3, { seed: 31, factor: 1.5 })),
        '--baseline',
        ...files(dir, 'base', benchRuns(3, { seed: 32 })),
        '--manifest',
        'model.yml',
        '--out',
        out,
      ],
      { cwd: dir },
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /ttft_ms\.p95 \(chat\)\s+\d+(\.\d+)?\s+\d+(\.\d+)?\s+\+\d+\.\d% \[\+\d+\.\d%, \+\d+\.\d%\]\s+\+10\.0%\s+FAIL/,
    );
    expect(run.stdout).toContain('gate: FAIL (95% confidence, 1 rules)');
    const verdict = GateVerdict.parse(JSON.parse((await import('node:fs')).readFileSync(out, 'utf8')));
    expect(verdict.rules[0]!.location).toEqual({ file: 'model.yml', line: 9, column: 7 });
    expect(verdict.calibration?.false_alarm_rate).toBeLessThanOrEqual(0.01);
  });

  it('exits 0 on a pass and 3 when it cannot decide', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'model.yml'), MANIFEST);
    const same = await runCli(
      [
        'gate',
        '--candidate',
        ...files(dir, 'c', benchRuns(5, { seed: 33 })),
        '--baseline',
        ...files(dir, 'b', benchRuns(5, { seed: 34 })),
        '--manifest',
        'model.yml',
      ],
      { cwd: dir },
    );
    expect(same.code).toBe(0);
    const single = await runCli(
      [
        'gate',
        '--candidate',
        ...files(dir, 'c1', benchRuns(1, { seed: 35, factor: 1.08 })),
        '--baseline',
        ...files(dir, 'b1', benchRuns(1, { seed: 36 })),
        '--manifest',
        'model.yml',
      ],
      { cwd: dir },
    );
    expect(single.code).toBe(3);
    expect(single.stdout).toContain('more runs are needed to decide');
  });

  it('refuses a malformed results file, naming the file and the field, exit 2', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'model.yml'), MANIFEST);
    const [good] = files(dir, 'good', benchRuns(1, { seed: 37 }));
    const bad = join(dir, 'bad.json');
    const corrupted = benchRuns(1, { seed: 38 })[0]!;
    writeFileSync(
      bad,
      JSON.stringify({ ...corrupted, summary: { ...corrupted.summary, completed: 'many' } }),
    );
    const run = await runCli(['gate', '--candidate', bad, '--baseline', good!, '--manifest', 'model.yml'], {
      cwd: dir,
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `${bad}: summary.completed: Invalid input: expected number, received string`,
    );
    writeFileSync(bad, '{"truncated": ');
    const truncated = await runCli(
      ['gate', '--candidate', bad, '--baseline', good!, '--manifest', 'model.yml'],
      { cwd: dir },
    );
    expect(truncated.code).toBe(2);
    expect(truncated.stderr).toMatch(/bad\.json: cannot read results/);
  });
});
