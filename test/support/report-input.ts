import { runGate } from '../../core/gate/run-gate.js';
import type { ReportInput } from '../../core/report/report-input.js';
import { ModelManifest } from '../../schemas/model-manifest.js';
import { accuracyRun, benchRuns } from './results-factory.js';

const MANIFEST = ModelManifest.parse({
  name: 'acme/chat',
  version: '1.3.0',
  task: 'llm',
  server: { type: 'openai', command: 'x' },
  benchmark: { chat: { kind: 'openai-chat' } },
  evaluation: { holdout: { evaluator: 'accuracy', dataset: 'test.jsonl' } },
  gates: {
    rules: [
      { metric: 'ttft_ms.p95', profile: 'chat', relative: 0.1 },
      { metric: 'tpot_ms.p50', profile: 'chat', relative: 0.1 },
      { metric: 'output_tokens_per_s', profile: 'chat', relative: 0.1 },
      { metric: 'failed_rate', profile: 'chat', absolute: 0.01 },
      { metric: 'accuracy', suite: 'holdout', absolute: 0.02 },
    ],
  },
});

/** Where each rule of MANIFEST would be in its model.yml. */
const RULE_LINES = [12, 15, 18, 21, 24];

const correct = (n: number, everyWrong: number) => Array.from({ length: n }, (_, i) => i % everyWrong !== 0);

/**
 * A report of acme/chat 1.3.0 against 1.2.0 with three earlier versions, from realistic results:
 * `pass` (the same speed, quiet runs), `fail` (30% slower, 5 points less accurate) or `inconclusive` (one
 * noisy run a side, 8% slower).
 */
export function reportInput(kind: 'pass' | 'fail' | 'inconclusive'): ReportInput {
  const runs = kind === 'inconclusive' ? 1 : 5;
  const factor = { pass: 1, fail: 1.3, inconclusive: 1.08 }[kind];
  // A quiet runner for the pass, so five runs a side prove the change is within 10%.
  const noise = kind === 'pass' ? 0.01 : 0.05;
  const baseline = [...benchRuns(runs, { seed: 2, noise, gpu: 'NVIDIA L4' }), accuracyRun(correct(400, 12))];
  const candidate = [
    ...benchRuns(runs, { seed: 1, factor, noise, gpu: 'NVIDIA L4' }),
    accuracyRun(correct(400, kind === 'fail' ? 8 : 12)),
  ];
  const verdict = runGate({
    candidate,
    baseline,
    manifest: MANIFEST,
    locateRule: (i) => ({ file: 'models/chat/model.yml', line: RULE_LINES[i]!, column: 7 }),
  });
  const history = [0.97, 1.02, 1].map((f, i) => ({
    version: `1.${i}.0`,
    results: [...benchRuns(3, { seed: 10 + i, factor: f, gpu: 'NVIDIA L4' }), accuracyRun(correct(400, 12))],
  }));
  history[2]!.version = '1.2.0';
  history[2]!.results = baseline;
  return {
    model: 'acme/chat',
    candidateVersion: '1.3.0',
    baselineVersion: '1.2.0',
    verdict,
    candidate,
    baseline,
    history,
    links: {
      report: 'https://github.com/acme/models/actions/runs/42',
      results: [{ label: 'bench-chat-1.json' }, { label: 'eval-holdout.json' }],
    },
  };
}

export { RULE_LINES };
