// Calibrates the gate on recorded-style noise: many A/A comparisons (same version twice) and A/B
// comparisons with a true regression, for Gantry's gate and a fixed-threshold gate on the same data.
// Prints the false-alarm and detection rates side by side and writes them to bench/results/gate.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { requestValue, statistic } from '../core/gate/metric-observations.js';
import { runGate } from '../core/gate/run-gate.js';
import { parseManifest } from '../core/manifest/parse-manifest.js';
import type { BenchResults } from '../schemas/bench-results.js';
import { benchRuns } from '../test/support/results-factory.js';

const TRIALS = Number(process.env.GATE_TRIALS ?? 300);
const NOISE = 0.05;
const LIMIT = 0.1;
const FIXED_THRESHOLD = 0.1;
const REGRESSIONS = [0, 0.02, 0.05, 0.1, 0.2];
const REPETITIONS = [3, 5];
const METRICS = [
  { metric: 'ttft_ms.p95', shape: (f: number) => ({ ttftMs: 50 * f }) },
  { metric: 'tpot_ms.p95', shape: (f: number) => ({ tpotMs: 10 * f }) },
];

function manifestFor(metric: string) {
  const text = `name: acme/chat\nversion: 1.0.0\ntask: llm\nserver: { type: openai, command: x }\nbenchmark:\n  chat: { kind: openai-chat }\ngates:\n  run_noise: ${NOISE}\n  rules:\n    - { metric: ${metric}, relative: ${LIMIT} }\n`;
  return parseManifest(text, 'model.yml', { pathExists: () => true }).manifest!;
}

function p95(run: BenchResults, metric: string): number {
  return statistic(
    run.samples.flatMap((s) => requestValue(s, metric.split('.')[0]!)),
    'p95',
  );
}

interface Cell {
  metric: string;
  regression: number;
  repetitions: number;
  gantry_fail: number;
  gantry_pass: number;
  gantry_inconclusive: number;
  fixed_fail: number;
}

const started = performance.now();
const cells: Cell[] = [];
let seed = 1;
for (const { metric, shape } of METRICS) {
  const manifest = manifestFor(metric);
  for (const repetitions of REPETITIONS) {
    for (const regression of REGRESSIONS) {
      const cell: Cell = {
        metric,
        regression,
        repetitions,
        gantry_fail: 0,
        gantry_pass: 0,
        gantry_inconclusive: 0,
        fixed_fail: 0,
      };
      for (let t = 0; t < TRIALS; t++) {
        const baseline = benchRuns(repetitions, { seed: seed++, noise: NOISE, requests: 200, ...shape(1) });
        const candidate = benchRuns(repetitions, {
          seed: seed++,
          noise: NOISE,
          requests: 200,
          ...shape(1 + regression),
        });
        const verdict = runGate({ candidate, baseline, manifest }).verdict;
        cell[`gantry_${verdict}`]++;
        // The classic gate: one run each, fail when p95 is more than 10% above the baseline's.
        if (p95(candidate[0]!, metric) > p95(baseline[0]!, metric) * (1 + FIXED_THRESHOLD)) cell.fixed_fail++;
      }
      cells.push(cell);
    }
  }
}

const pct = (x: number) => `${((x / TRIALS) * 100).toFixed(1)}%`.padStart(6);
console.log(
  `Gate calibration: ${TRIALS} trials per cell, ${NOISE * 100}% run-to-run noise, 200 requests per run`,
);
console.log(
  `Gantry: rule relative ${LIMIT * 100}% at 95% confidence; fixed gate: p95 > +${FIXED_THRESHOLD * 100}%, one run each\n`,
);
console.log('                          gantry                                  fixed threshold');
console.log('metric        reps  change   fail    pass  inconcl.  held back     fail  let through');
for (const c of cells) {
  console.log(
    `${c.metric.padEnd(13)} ${String(c.repetitions).padStart(4)}  ${`+${(c.regression * 100).toFixed(0)}%`.padStart(6)} ${pct(c.gantry_fail)}  ${pct(c.gantry_pass)}  ${pct(c.gantry_inconclusive)}    ${pct(TRIALS - c.gantry_pass)}   ${pct(c.fixed_fail)}       ${pct(TRIALS - c.fixed_fail)}`,
  );
}
const aa = cells.filter((c) => c.regression === 0);
const at10 = cells.filter((c) => c.regression === 0.1);
const rate = (list: Cell[], key: keyof Cell) =>
  list.reduce((n, c) => n + (c[key] as number), 0) / (list.length * TRIALS);
const summary = {
  trials_per_cell: TRIALS,
  run_noise: NOISE,
  limit: LIMIT,
  false_alarm_rate: { gantry: rate(aa, 'gantry_fail'), fixed_threshold: rate(aa, 'fixed_fail') },
  detection_10pct: {
    gantry_fail_3_runs: rate(
      at10.filter((c) => c.repetitions === 3),
      'gantry_fail',
    ),
    gantry_fail_5_runs: rate(
      at10.filter((c) => c.repetitions === 5),
      'gantry_fail',
    ),
    gantry_held_back_3_runs:
      1 -
      rate(
        at10.filter((c) => c.repetitions === 3),
        'gantry_pass',
      ),
    gantry_held_back_5_runs:
      1 -
      rate(
        at10.filter((c) => c.repetitions === 5),
        'gantry_pass',
      ),
    fixed_threshold_fail: rate(at10, 'fixed_fail'),
  },
  aa_pass_rate_5_runs: rate(
    aa.filter((c) => c.repetitions === 5),
    'gantry_pass',
  ),
  seconds: (performance.now() - started) / 1000,
  cells,
};
console.log(
  `\nfalse alarms (A/A): gantry ${(summary.false_alarm_rate.gantry * 100).toFixed(2)}%, fixed threshold ${(summary.false_alarm_rate.fixed_threshold * 100).toFixed(2)}%  (target ≤ 1%)`,
);
const d = summary.detection_10pct;
const p = (x: number) => `${(x * 100).toFixed(1)}%`;
console.log(
  `+10% regression held back (fail or inconclusive, never passed): gantry ${p(d.gantry_held_back_3_runs)} with 3 runs, ${p(d.gantry_held_back_5_runs)} with 5 runs; fixed threshold ${p(d.fixed_threshold_fail)}  (target ≥ 95%)`,
);
console.log(
  `+10% regression failed outright: gantry ${p(d.gantry_fail_3_runs)} with 3 runs, ${p(d.gantry_fail_5_runs)} with 5 runs (the change equals the limit, so at most about half can be clearly beyond it)`,
);
console.log(
  `A/A comparisons passed with 5 runs: ${p(summary.aa_pass_rate_5_runs)} (the rest ask for more runs)`,
);
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/gate.json', `${JSON.stringify(summary, null, 2)}\n`);
// The figures every verdict quotes: committed, and refreshed by running this script.
writeFileSync(
  'core/gate/calibration.json',
  `${JSON.stringify({ false_alarm_rate: summary.false_alarm_rate.gantry, detection_10pct: d.gantry_held_back_5_runs, measured: `npm run bench:gate, ${TRIALS} trials per cell, ${NOISE * 100}% run noise, ${new Date().toISOString().slice(0, 10)}` }, null, 2)}\n`,
);
console.log(`(${summary.seconds.toFixed(1)} s; written to bench/results/gate.json)`);
