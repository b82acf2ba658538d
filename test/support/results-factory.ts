import { normal, seededRandom } from '../../core/bench/random.js';
import { BenchResults, type RequestSample } from '../../schemas/bench-results.js';
import { EvalResults } from '../../schemas/eval-results.js';

export interface RunShape {
  seed: number;
  /** Median time to first token and per output token, ms. */
  ttftMs?: number;
  tpotMs?: number;
  /** Multiplies every latency of this run (run-to-run noise or a regression). */
  factor?: number;
  requests?: number;
  failed?: number;
  gpu?: string;
  saturated?: boolean;
  profile?: string;
  target?: string;
}

/** A benchmark results file of an openai-chat run with lognormal per-request latencies. */
export function benchRun(shape: RunShape): BenchResults {
  const random = seededRandom(shape.seed);
  const { ttftMs = 50, tpotMs = 10, factor = 1, requests = 200, failed = 0 } = shape;
  const outputTokens = 32;
  const samples: RequestSample[] = [];
  let clock = 0;
  for (let i = 0; i < requests; i++) {
    const ttft = ttftMs * factor * Math.exp(0.2 * normal(random));
    const tpot = tpotMs * factor * Math.exp(0.1 * normal(random));
    const ok = i >= failed;
    samples.push({
      index: i,
      scheduled_ms: clock,
      sent_ms: clock,
      ...(ok ? { first_token_ms: clock + ttft, output_tokens: outputTokens, input_tokens: 64 } : {}),
      end_ms: clock + (ok ? ttft + tpot * (outputTokens - 1) : 5),
      ok,
      ...(ok ? { status: 200 } : { status: 503, error: { kind: 'http', status: 503, message: 'HTTP 503' } }),
    });
    clock += 10;
  }
  const windowS = (clock + 500) / 1000;
  const completed = requests - failed;
  const stats = {
    n: completed,
    mean: 1,
    p50: 1,
    p90: 1,
    p95: 1,
    p99: 1,
    min: 1,
    max: 1,
    stdev: 0,
    confidence: 0.95,
    ci: {
      p50: { low: 1, high: 1 },
      p90: { low: 1, high: 1 },
      p95: { low: 1, high: 1 },
      p99: { low: 1, high: 1 },
    },
    too_few_samples: [],
  };
  return BenchResults.parse({
    schema_version: 1,
    kind: 'openai-chat',
    endpoint: 'http://127.0.0.1:8000',
    path: '/v1/chat/completions',
    profile_name: shape.profile ?? 'chat',
    ...(shape.target ? { target: shape.target } : {}),
    profile: { kind: 'openai-chat' },
    seed: shape.seed,
    started_at: '2026-11-23T10:00:00.000Z',
    finished_at: '2026-11-23T10:00:05.000Z',
    summary: {
      completed,
      failed,
      failed_rate: failed / requests,
      errors: failed ? { http_503: failed } : {},
      window_s: windowS,
      requests_per_s: completed / windowS,
      output_tokens_per_s: (completed * outputTokens) / windowS / factor,
      ttft_ms: stats,
    },
    client: {
      event_loop_delay_ms: { mean: 1, p99: 2, max: 3 },
      cpu_percent: 20,
      saturated: shape.saturated ?? false,
      reasons: [],
    },
    environment: {
      host: 'runner-1',
      os: 'linux',
      cpu: { model: 'Xeon', count: 16 },
      memory_gb: 64,
      node: 'v20',
      gantry_version: '0.1.0',
      gpus: shape.gpu ? [{ name: shape.gpu, driver: '550.54' }] : [],
    },
    samples,
  });
}

/** Runs of one version: `count` repetitions with run-to-run noise of `noise` (relative). */
export function benchRuns(count: number, shape: RunShape & { noise?: number }): BenchResults[] {
  const random = seededRandom(shape.seed * 7919);
  return Array.from({ length: count }, (_, i) =>
    benchRun({
      ...shape,
      seed: shape.seed * 100 + i,
      factor: (shape.factor ?? 1) * Math.exp((shape.noise ?? 0.05) * normal(random)),
    }),
  );
}

/** An evaluation results file whose examples are correct where `correct[i]` is true. */
export function accuracyRun(correct: boolean[]): EvalResults {
  return EvalResults.parse({
    schema_version: 1,
    kind: 'evaluation',
    suite: 'holdout',
    evaluator: { name: 'accuracy', version: 1 },
    normaliser: { name: 'basic', version: 1 },
    dataset: { path: 'test.jsonl', sha256: 'a'.repeat(64), rows: correct.length },
    endpoint: 'http://127.0.0.1:8080',
    started_at: '2026-11-23T10:00:00.000Z',
    finished_at: '2026-11-23T10:00:05.000Z',
    gantry_version: '0.1.0',
    metrics: { accuracy: correct.filter(Boolean).length / correct.length },
    examples: correct.map((ok, i) => ({
      index: i,
      id: `ex-${i}`,
      reference: 'a',
      prediction: ok ? 'a' : 'b',
      scores: { correct: ok ? 1 : 0, failed: 0 },
    })),
  });
}
