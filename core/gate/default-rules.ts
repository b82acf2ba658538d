import type { BenchmarkKind, Evaluator } from '../../schemas/metrics.js';
import type { GateRule } from '../../schemas/model-manifest.js';

type DefaultRule = Pick<GateRule, 'metric' | 'relative' | 'absolute'>;

/** What a careful team would check when model.yml names no rules: tail latency, throughput, errors. */
const BENCHMARK_DEFAULTS: Record<BenchmarkKind, DefaultRule[]> = {
  'openai-chat': [
    { metric: 'ttft_ms.p95', relative: 0.1 },
    { metric: 'tpot_ms.p95', relative: 0.1 },
    { metric: 'output_tokens_per_s', relative: 0.05 },
    { metric: 'failed_rate', absolute: 0.01 },
  ],
  'openai-completions': [
    { metric: 'ttft_ms.p95', relative: 0.1 },
    { metric: 'tpot_ms.p95', relative: 0.1 },
    { metric: 'output_tokens_per_s', relative: 0.05 },
    { metric: 'failed_rate', absolute: 0.01 },
  ],
  embeddings: [
    { metric: 'latency_ms.p95', relative: 0.1 },
    { metric: 'inputs_per_s', relative: 0.05 },
    { metric: 'failed_rate', absolute: 0.01 },
  ],
  asr: [
    { metric: 'latency_ms.p95', relative: 0.1 },
    { metric: 'rtf.p95', relative: 0.1 },
    { metric: 'failed_rate', absolute: 0.01 },
  ],
  rest: [
    { metric: 'latency_ms.p95', relative: 0.1 },
    { metric: 'requests_per_s', relative: 0.05 },
    { metric: 'failed_rate', absolute: 0.01 },
  ],
};

/** Quality may not drop by more than one point (absolute) by default. */
const EVALUATION_DEFAULTS: Record<Exclude<Evaluator, 'custom'>, DefaultRule[]> = {
  wer: [{ metric: 'wer', absolute: 0.01 }],
  cer: [{ metric: 'cer', absolute: 0.01 }],
  exact_match: [{ metric: 'exact_match', absolute: 0.01 }],
  accuracy: [{ metric: 'accuracy', absolute: 0.01 }],
  f1: [{ metric: 'f1', absolute: 0.01 }],
};

export function defaultBenchmarkRules(kind: BenchmarkKind, profile: string | undefined): GateRule[] {
  return BENCHMARK_DEFAULTS[kind].map((rule) => ({ ...rule, ...(profile ? { profile } : {}) }));
}

export function defaultEvaluationRules(
  evaluator: Exclude<Evaluator, 'custom'>,
  suite: string | undefined,
): GateRule[] {
  return EVALUATION_DEFAULTS[evaluator].map((rule) => ({ ...rule, ...(suite ? { suite } : {}) }));
}
