import { describe, expect, it } from 'vitest';
import { decide } from '../../core/gate/evaluate-rule.js';
import { runGate } from '../../core/gate/run-gate.js';
import { parseManifest } from '../../core/manifest/parse-manifest.js';
import { GateVerdict } from '../../schemas/gate-verdict.js';
import { accuracyRun, benchRuns } from '../support/results-factory.js';

function manifest(gates: string, extra = '') {
  const text = `name: acme/chat\nversion: 1.1.0\ntask: llm\nserver: { type: openai, command: x }\nbenchmark:\n  chat: { kind: openai-chat }\nevaluation:\n  holdout: { evaluator: accuracy, dataset: test.jsonl }\n${extra}gates:\n${gates}`;
  const parsed = parseManifest(text, 'model.yml', { pathExists: () => true });
  if (!parsed.manifest) throw new Error(JSON.stringify(parsed.diagnostics));
  return parsed.manifest;
}

const ttftRule = manifest('  rules:\n    - { metric: ttft_ms.p95, relative: 0.10 }\n');

describe('gate verdicts', () => {
  it('passes a candidate that is the same as the baseline (5 runs each)', () => {
    const verdict = runGate({
      candidate: benchRuns(5, { seed: 1 }),
      baseline: benchRuns(5, { seed: 2 }),
      manifest: ttftRule,
    });
    expect(GateVerdict.parse(verdict).verdict).toBe('pass');
    const [rule] = verdict.rules;
    expect(rule).toMatchObject({
      metric: 'ttft_ms.p95',
      profile: 'chat',
      direction: 'lower',
      verdict: 'pass',
      source: 'manifest',
    });
    expect(rule!.change!.high).toBeLessThan(0.1);
    expect(rule!.smallest_detectable_change).toBeGreaterThan(0);
    expect(rule!.method).toBe('Welch t on log per-run ttft_ms.p95, 5 vs 5 runs');
  });

  it('fails a clear regression beyond the limit, saying by how much', () => {
    const verdict = runGate({
      candidate: benchRuns(5, { seed: 3, factor: 1.3 }),
      baseline: benchRuns(5, { seed: 4 }),
      manifest: ttftRule,
    });
    expect(verdict.verdict).toBe('fail');
    const [rule] = verdict.rules;
    expect(rule!.change!.estimate).toBeGreaterThan(0.2);
    expect(rule!.change!.low).toBeGreaterThan(0);
    expect(rule!.reason).toMatch(
      /^\+\d+\.\d% \(95% interval \+\d+\.\d% to \+\d+\.\d%\): clearly worse, and beyond the limit of \+10\.0% \(lower is better\)$/,
    );
  });

  it('is inconclusive on one run each, and says how many more runs would decide', () => {
    const verdict = runGate({
      candidate: benchRuns(1, { seed: 5, factor: 1.06 }),
      baseline: benchRuns(1, { seed: 6 }),
      manifest: manifest('  rules:\n    - { metric: ttft_ms.p95, relative: 0.05 }\n'),
    });
    expect(verdict.verdict).toBe('inconclusive');
    expect(verdict.rules[0]!.reason).toContain(
      'the interval reaches past the limit of +5.0% (lower is better)',
    );
    expect(verdict.rules[0]!.more_repetitions).toBeGreaterThan(0);
  });

  it('knows higher is better for throughput', () => {
    const gates = manifest('  rules:\n    - { metric: output_tokens_per_s, relative: 0.05 }\n');
    const slower = runGate({
      candidate: benchRuns(5, { seed: 7, factor: 1.3 }),
      baseline: benchRuns(5, { seed: 8 }),
      manifest: gates,
    });
    expect(slower.rules[0]).toMatchObject({ direction: 'higher', verdict: 'fail' });
    const faster = runGate({
      candidate: benchRuns(5, { seed: 9, factor: 0.7 }),
      baseline: benchRuns(5, { seed: 10 }),
      manifest: gates,
    });
    expect(faster.rules[0]!.verdict).toBe('pass');
    expect(faster.rules[0]!.change!.estimate).toBeGreaterThan(0.3);
    expect(slower.rules[0]!.change!.high).toBeLessThan(-0.15);
    expect(slower.rules[0]!.reason).toContain('beyond the limit of -5.0% (higher is better)');
  });

  it("applies an absolute limit in the metric's unit", () => {
    const gates = manifest('  rules:\n    - { metric: ttft_ms.p50, absolute: 5 }\n');
    const verdict = runGate({
      candidate: benchRuns(5, { seed: 11, factor: 1.4 }),
      baseline: benchRuns(5, { seed: 12 }),
      manifest: gates,
    });
    expect(verdict.rules[0]).toMatchObject({ limit: { kind: 'absolute', value: 5 }, verdict: 'fail' });
    expect(verdict.rules[0]!.change!.unit).toBe('absolute');
    expect(verdict.rules[0]!.change!.estimate).toBeGreaterThan(15);
  });

  it('compares accuracy example by example', () => {
    const base = Array.from({ length: 400 }, (_, i) => i % 10 !== 0);
    const gates = manifest('  rules:\n    - { metric: accuracy, absolute: 0.01 }\n');
    const same = runGate({ candidate: [accuracyRun(base)], baseline: [accuracyRun(base)], manifest: gates });
    expect(same.rules[0]).toMatchObject({ verdict: 'pass', suite: 'holdout' });
    expect(same.rules[0]!.method).toContain('0 + 0 discordant of 400');
    const worse = base.map((ok, i) => (i % 10 === 1 || i % 10 === 2 ? false : ok));
    const dropped = runGate({
      candidate: [accuracyRun(worse)],
      baseline: [accuracyRun(base)],
      manifest: gates,
    });
    expect(dropped.rules[0]).toMatchObject({
      verdict: 'fail',
      candidate: { value: 0.7 },
      baseline: { value: 0.9 },
    });
  });

  it('tests failure rates as proportions', () => {
    const gates = manifest('  rules:\n    - { metric: failed_rate, absolute: 0.01 }\n');
    const failing = runGate({
      candidate: benchRuns(2, { seed: 13, failed: 20 }),
      baseline: benchRuns(2, { seed: 14 }),
      manifest: gates,
    });
    expect(failing.rules[0]).toMatchObject({ verdict: 'fail', candidate: { value: 0.1, n: 400 } });
    const clean = runGate({
      candidate: benchRuns(5, { seed: 15 }),
      baseline: benchRuns(5, { seed: 16 }),
      manifest: gates,
    });
    expect(clean.rules[0]!.verdict).toBe('pass');
  });

  it('refuses results from different testbeds unless told otherwise', () => {
    const input = {
      candidate: benchRuns(3, { seed: 17, gpu: 'NVIDIA H100 80GB HBM3' }),
      baseline: benchRuns(3, { seed: 18, gpu: 'NVIDIA A100-SXM4-80GB' }),
      manifest: ttftRule,
    };
    expect(() => runGate(input)).toThrow(
      /different testbeds[\s\S]*1× NVIDIA H100 80GB HBM3, driver 550\.54[\s\S]*--allow-testbed-mismatch/,
    );
    expect(runGate({ ...input, allowTestbedMismatch: true }).testbed).toMatchObject({
      same: false,
      overridden: true,
    });
  });

  it('does not trust runs whose load generator was saturated', () => {
    const verdict = runGate({
      candidate: benchRuns(5, { seed: 19, factor: 1.5, saturated: true }),
      baseline: benchRuns(5, { seed: 20 }),
      manifest: ttftRule,
    });
    expect(verdict.rules[0]!.verdict).toBe('inconclusive');
    expect(verdict.warnings[0]).toContain('saturated');
  });

  it('uses default rules per benchmark kind and evaluator when model.yml has none, correcting for their number', () => {
    const verdict = runGate({
      candidate: [...benchRuns(3, { seed: 21 }), accuracyRun([true, false, true])],
      baseline: [...benchRuns(3, { seed: 22 }), accuracyRun([true, false, true])],
      manifest: manifest('  baseline: production\n'),
    });
    expect(verdict.rules.map((r) => r.metric)).toEqual([
      'ttft_ms.p95',
      'tpot_ms.p95',
      'output_tokens_per_s',
      'failed_rate',
      'accuracy',
    ]);
    expect(verdict.rules.every((r) => r.source === 'default')).toBe(true);
    expect(verdict.confidence_per_rule).toBeCloseTo(1 - 0.05 / 5);
  });

  it('points each rule at its line in model.yml', () => {
    const verdict = runGate({
      candidate: benchRuns(2, { seed: 23 }),
      baseline: benchRuns(2, { seed: 24 }),
      manifest: ttftRule,
      locateRule: (i) => ({ file: 'model.yml', line: 11 + i, column: 7 }),
    });
    expect(verdict.rules[0]!.location).toEqual({ file: 'model.yml', line: 11, column: 7 });
  });
});

describe('decide', () => {
  it('treats a change equal to the limit as within it despite floating point (0.95 − 0.94 vs 0.01)', () => {
    expect(0.95 - 0.94 > 0.01).toBe(true);
    expect(decide({ estimate: 0.95 - 0.94, low: 0.95 - 0.94, high: 0.95 - 0.94 }, 0.01)).toBe('pass');
  });
});

describe('error rates', () => {
  it('pass a clean candidate without hundreds of requests, and wait for evidence when just beyond the limit', () => {
    const gates = manifest('  rules:\n    - { metric: failed_rate, absolute: 0.01 }\n');
    const clean = runGate({
      candidate: benchRuns(1, { seed: 41 }),
      baseline: benchRuns(1, { seed: 42 }),
      manifest: gates,
    });
    expect(clean.rules[0]).toMatchObject({ verdict: 'pass', candidate: { value: 0, n: 200 } });
    expect(clean.rules[0]!.reason).toMatch(/within the 0\.01 limit$/);
    const few = runGate({
      candidate: benchRuns(1, { seed: 43, failed: 3 }),
      baseline: benchRuns(1, { seed: 44 }),
      manifest: gates,
    });
    expect(few.rules[0]!.verdict).toBe('inconclusive');
    expect(few.rules[0]!.reason).toContain('beyond the 0.01 limit but not clearly worse');
  });
});
