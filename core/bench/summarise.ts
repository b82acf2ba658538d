import type { BenchSummary, RequestSample } from '../../schemas/bench-results.js';
import type { BenchmarkKind } from '../../schemas/metrics.js';
import type { BenchmarkProfile } from '../../schemas/model-manifest.js';
import { latencyStats } from './latency-stats.js';

type Slo = NonNullable<BenchmarkProfile['slo']>;

const LLM_KINDS: readonly BenchmarkKind[] = ['openai-chat', 'openai-completions'];

/** TPOT of one request: (E2EL − TTFT) / (N_out − 1); undefined for fewer than two tokens. */
export function tpotOf(sample: RequestSample): number | undefined {
  if (sample.first_token_ms === undefined || sample.output_tokens === undefined || sample.output_tokens < 2)
    return undefined;
  return (sample.end_ms - sample.first_token_ms) / (sample.output_tokens - 1);
}

/**
 * Whether a completed request met every objective. Latencies count from the scheduled send time, so
 * in an open loop a request that waited for the client or a slot is judged by what its user saw.
 */
export function meetsSlo(sample: RequestSample, slo: Slo): boolean {
  const e2el = sample.end_ms - sample.scheduled_ms;
  if (slo.e2el_ms !== undefined && e2el > slo.e2el_ms) return false;
  if (slo.latency_ms !== undefined && e2el > slo.latency_ms) return false;
  if (
    slo.ttft_ms !== undefined &&
    (sample.first_token_ms === undefined || sample.first_token_ms - sample.scheduled_ms > slo.ttft_ms)
  )
    return false;
  const tpot = tpotOf(sample);
  if (slo.tpot_ms !== undefined && tpot !== undefined && tpot > slo.tpot_ms) return false;
  if (
    slo.rtf !== undefined &&
    sample.audio_s !== undefined &&
    (sample.end_ms - sample.sent_ms) / 1000 / sample.audio_s > slo.rtf
  )
    return false;
  return true;
}

/**
 * The summary of a run from its samples. Failed requests are counted by kind and kept out of every
 * latency; rates are over the window from the first send to the last completion; tokens come from the
 * server's usage when it gave them.
 */
export function summarise(
  samples: readonly RequestSample[],
  kind: BenchmarkKind,
  profile: Pick<BenchmarkProfile, 'load' | 'slo'>,
  confidence = 0.95,
): BenchSummary {
  const ok = samples.filter((s) => s.ok);
  const failed = samples.length - ok.length;
  const errors: Record<string, number> = {};
  for (const s of samples) {
    if (!s.error) continue;
    const key =
      s.error.kind === 'http' && s.error.status !== undefined ? `http_${s.error.status}` : s.error.kind;
    errors[key] = (errors[key] ?? 0) + 1;
  }
  const firstSend = minOf(samples.map((s) => s.sent_ms));
  const ends = (ok.length > 0 ? ok : samples).map((s) => s.end_ms);
  const windowMs = samples.length > 0 ? Math.max(0, maxOf(ends) - firstSend) : 0;
  const perSecond = (count: number) => (windowMs > 0 ? (count * 1000) / windowMs : 0);
  const stats = (values: Iterable<number>) => latencyStats(values, confidence);

  const summary: BenchSummary = {
    completed: ok.length,
    failed,
    failed_rate: samples.length > 0 ? failed / samples.length : 0,
    errors,
    window_s: windowMs / 1000,
    requests_per_s: perSecond(ok.length),
  };
  const open = profile.load.type !== 'concurrency';
  const e2el = ok.map((s) => s.end_ms - s.sent_ms);

  if (LLM_KINDS.includes(kind)) {
    const outputTokens = sum(ok.map((s) => s.output_tokens ?? 0));
    const inputTokens = sum(ok.map((s) => s.input_tokens ?? 0));
    const counted = ok.filter((s) => s.tokens_counted).length;
    summary.output_tokens = outputTokens;
    summary.input_tokens = inputTokens;
    summary.tokens_source = counted === 0 ? 'usage' : counted === ok.length ? 'counted' : 'mixed';
    summary.output_tokens_per_s = perSecond(outputTokens);
    summary.total_tokens_per_s = perSecond(outputTokens + inputTokens);
    summary.peak_output_tokens_per_s = peakTokensPerSecond(ok);
    const withFirst = ok.filter((s) => s.first_token_ms !== undefined);
    summary.ttft_ms = stats(withFirst.map((s) => s.first_token_ms! - s.sent_ms));
    summary.tpot_ms = stats(ok.map(tpotOf).filter((t): t is number => t !== undefined));
    summary.itl_ms = stats(pooled(ok));
    summary.e2el_ms = stats(e2el);
    if (open)
      summary.from_scheduled = {
        ttft_ms: stats(withFirst.map((s) => s.first_token_ms! - s.scheduled_ms)),
        e2el_ms: stats(ok.map((s) => s.end_ms - s.scheduled_ms)),
      };
  } else {
    summary.latency_ms = stats(e2el);
    if (open) summary.from_scheduled = { latency_ms: stats(ok.map((s) => s.end_ms - s.scheduled_ms)) };
    if (kind === 'embeddings') summary.inputs_per_s = perSecond(sum(ok.map((s) => s.inputs ?? 1)));
    if (kind === 'asr')
      summary.rtf = stats(ok.filter((s) => s.audio_s).map((s) => (s.end_ms - s.sent_ms) / 1000 / s.audio_s!));
  }
  if (open) {
    summary.slot_wait_ms = stats(samples.map((s) => s.slot_wait_ms ?? 0));
    const load = profile.load as { rate?: number };
    const sent = samples.map((s) => s.sent_ms);
    const span = (maxOf(sent) - minOf(sent)) / 1000;
    if (load.rate !== undefined) summary.offered_rate = load.rate;
    if (samples.length > 1 && span > 0) {
      summary.achieved_rate = (samples.length - 1) / span;
      if (load.rate !== undefined) summary.rate_shortfall = summary.achieved_rate < 0.95 * load.rate;
    }
  }
  if (profile.slo) {
    const good = ok.filter((s) => meetsSlo(s, profile.slo!)).length;
    summary.goodput_per_s = perSecond(good);
    summary.slo_attainment = samples.length > 0 ? good / samples.length : 0;
  }
  return summary;
}

function sum(values: number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

/** Every inter-token gap of every request, in one array (a generator costs more than the gap it yields). */
function pooled(samples: readonly RequestSample[]): number[] {
  const gaps: number[] = [];
  for (const s of samples) {
    const itl = s.itl_ms;
    if (itl) for (let i = 0; i < itl.length; i++) gaps.push(itl[i]!);
  }
  return gaps;
}

/** Output tokens in the busiest whole second, each request's tokens spread over its content chunks. */
function peakTokensPerSecond(samples: readonly RequestSample[]): number {
  // Seconds since the start are small whole numbers: an array, not a map, holds their totals.
  const buckets: number[] = [];
  for (const s of samples) {
    if (s.first_token_ms === undefined || !s.output_tokens) continue;
    const chunks = (s.itl_ms?.length ?? 0) + 1;
    const perChunk = s.output_tokens / chunks;
    let t = s.first_token_ms;
    const add = (time: number) => {
      const second = Math.floor(time / 1000);
      buckets[second] = (buckets[second] ?? 0) + perChunk;
    };
    add(t);
    for (const gap of s.itl_ms ?? []) {
      t += gap;
      add(t);
    }
  }
  let peak = 0;
  for (const total of buckets) if (total !== undefined && total > peak) peak = total;
  return peak;
}

// Loops, not Math.min(...values): spreading a few hundred thousand samples overflows the stack.
function minOf(values: number[]): number {
  let min = Number.POSITIVE_INFINITY;
  for (const v of values) if (v < min) min = v;
  return min;
}

function maxOf(values: number[]): number {
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values) if (v > max) max = v;
  return max;
}
