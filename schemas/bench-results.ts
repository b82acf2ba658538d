import { z } from 'zod';
import { BENCHMARK_KINDS } from './metrics.js';
import { BenchmarkProfile } from './model-manifest.js';

/**
 * The results file `gantry bench` writes, read by the gate and the reports. Times are milliseconds.
 * Bump BENCH_RESULTS_VERSION on any change a reader must know about.
 */
export const BENCH_RESULTS_VERSION = 1;

export const ERROR_KINDS = ['http', 'timeout', 'connection', 'malformed', 'aborted'] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

const ms = z.number().min(0);

/** A distribution-free interval for one percentile; a side is null when too few samples bound it. */
const PercentileInterval = z.object({ low: z.number().nullable(), high: z.number().nullable() });

export const LatencyStats = z
  .object({
    n: z.number().int().min(0),
    mean: z.number(),
    p50: z.number(),
    p90: z.number(),
    p95: z.number(),
    p99: z.number(),
    min: z.number(),
    max: z.number(),
    stdev: z.number(),
    confidence: z.number().gt(0).lt(1),
    ci: z
      .object({
        p50: PercentileInterval,
        p90: PercentileInterval,
        p95: PercentileInterval,
        p99: PercentileInterval,
      })
      .meta({ description: 'Order-statistic confidence interval of each percentile.' }),
    too_few_samples: z.array(z.string()).meta({
      description: 'Percentiles whose interval is unbounded on a side: too few samples to state them.',
    }),
  })
  .meta({ description: 'A latency distribution: exact mean, percentiles from an HDR histogram (±0.05%).' });
export type LatencyStats = z.output<typeof LatencyStats>;

export const RequestError = z.object({
  kind: z.enum(ERROR_KINDS),
  status: z.number().int().optional().meta({ description: 'HTTP status, for kind http.' }),
  message: z.string(),
});
export type RequestError = z.output<typeof RequestError>;

/** One measured request; times are offsets from the start of the measured phase. */
export const RequestSample = z.object({
  index: z.number().int().min(0),
  scheduled_ms: ms.meta({
    description: 'When the load shape meant it to go (closed loop: when a slot freed).',
  }),
  sent_ms: ms.meta({ description: 'When it was handed to the connection.' }),
  slot_wait_ms: ms.optional().meta({ description: 'Open loop with max_concurrency: waiting for a slot.' }),
  first_token_ms: ms.optional().meta({ description: 'First chunk that carried content (LLM kinds).' }),
  end_ms: ms,
  status: z.number().int().optional(),
  ok: z.boolean(),
  error: RequestError.optional(),
  input_tokens: z.number().int().min(0).optional(),
  output_tokens: z.number().int().min(0).optional(),
  tokens_counted: z.boolean().optional().meta({
    description: 'true when the server gave no usage and output tokens are counted content chunks.',
  }),
  itl_ms: z.array(ms).optional().meta({ description: 'Gaps between content chunks.' }),
  audio_s: z.number().min(0).optional(),
  inputs: z.number().int().min(0).optional(),
});
export type RequestSample = z.output<typeof RequestSample>;

const Family = LatencyStats.optional();

export const BenchSummary = z.object({
  completed: z.number().int().min(0),
  failed: z.number().int().min(0),
  failed_rate: z.number().min(0).max(1),
  errors: z
    .record(z.string(), z.number().int())
    .meta({ description: 'Failed requests by kind (http_503, timeout, …).' }),
  window_s: z
    .number()
    .min(0)
    .meta({ description: 'First send to last completion: the denominator of every rate.' }),
  requests_per_s: z.number().min(0),
  output_tokens_per_s: z.number().min(0).optional(),
  total_tokens_per_s: z.number().min(0).optional(),
  peak_output_tokens_per_s: z.number().min(0).optional().meta({ description: 'Highest one-second bucket.' }),
  inputs_per_s: z.number().min(0).optional(),
  input_tokens: z.number().int().min(0).optional(),
  output_tokens: z.number().int().min(0).optional(),
  tokens_source: z.enum(['usage', 'counted', 'mixed']).optional(),
  ttft_ms: Family,
  tpot_ms: Family,
  itl_ms: Family,
  e2el_ms: Family,
  latency_ms: Family,
  rtf: Family,
  from_scheduled: z
    .object({ ttft_ms: Family, e2el_ms: Family, latency_ms: Family })
    .optional()
    .meta({ description: 'Open loop: latencies from the scheduled send time (no coordinated omission).' }),
  slot_wait_ms: Family.meta({ description: 'Open loop with max_concurrency: time waiting for a slot.' }),
  goodput_per_s: z
    .number()
    .min(0)
    .optional()
    .meta({ description: 'Requests meeting every SLO, per second.' }),
  slo_attainment: z.number().min(0).max(1).optional(),
  offered_rate: z.number().optional(),
  achieved_rate: z
    .number()
    .optional()
    .meta({ description: 'Requests sent per second of the sending phase.' }),
  rate_shortfall: z
    .boolean()
    .optional()
    .meta({ description: 'The achieved rate fell short of the offered rate.' }),
});
export type BenchSummary = z.output<typeof BenchSummary>;

export const ClientSaturation = z.object({
  event_loop_delay_ms: z.object({ mean: z.number(), p99: z.number(), max: z.number() }),
  cpu_percent: z
    .number()
    .min(0)
    .meta({ description: "The client process's CPU time over wall time (100 = a core)." }),
  send_lag_ms: z.object({ p50: z.number(), p99: z.number() }).optional().meta({
    description: 'Open loop: how late sends left against their schedule, slot waits excluded.',
  }),
  saturated: z.boolean(),
  reasons: z.array(z.string()),
});
export type ClientSaturation = z.output<typeof ClientSaturation>;

export const EnvironmentFingerprint = z.object({
  host: z.string(),
  os: z.string(),
  cpu: z.object({ model: z.string(), count: z.number().int() }),
  memory_gb: z.number(),
  node: z.string(),
  gantry_version: z.string(),
  gpus: z.array(z.object({ name: z.string(), driver: z.string(), memory_mb: z.number().optional() })),
  git_sha: z.string().optional(),
  image_digest: z.string().optional(),
  runner: z.string().optional(),
});
export type EnvironmentFingerprint = z.output<typeof EnvironmentFingerprint>;

const KeyPercentiles = z.object({ p50: z.number(), p90: z.number(), p99: z.number() });

/** One rate a sweep tried: an open-loop run of the profile's requests at that offered rate. */
export const SweepStep = z.object({
  offered_rate: z.number().gt(0),
  achieved_rate: z.number().min(0).optional(),
  requests_per_s: z.number().min(0),
  goodput_per_s: z.number().min(0),
  slo_attainment: z.number().min(0).max(1),
  completed: z.number().int().min(0),
  failed: z.number().int().min(0),
  met: z.boolean().meta({ description: "SLO attainment reached the sweep's min_attainment." }),
  percentiles: z.record(z.string(), KeyPercentiles).meta({
    description: 'Latency percentiles by family (ttft_ms, tpot_ms, e2el_ms, latency_ms), from send.',
  }),
});
export type SweepStep = z.output<typeof SweepStep>;

export const BenchSweep = z
  .object({
    knee_rate: z.number().nullable().meta({
      description: 'Highest offered rate that met the SLOs; null when none did.',
    }),
    failing_rate: z
      .number()
      .nullable()
      .meta({ description: 'Lowest offered rate that missed them; null when none did (max_rate reached).' }),
    stopped: z.string().meta({ description: 'Why the sweep ended.' }),
    reported_step: z.number().int().min(0).meta({
      description:
        "Index in steps of the run whose summary and samples this file holds: the knee's, else the lowest rate's.",
    }),
    steps: z.array(SweepStep).meta({ description: 'Every step in the order it ran.' }),
  })
  .meta({ description: 'A rate sweep: double until an SLO breaks, then bisect; the curve and the knee.' });
export type BenchSweep = z.output<typeof BenchSweep>;

export const BenchResults = z
  .object({
    schema_version: z.literal(BENCH_RESULTS_VERSION),
    kind: z.enum(BENCHMARK_KINDS),
    endpoint: z.string(),
    path: z.string(),
    profile_name: z.string().optional(),
    target: z
      .string()
      .optional()
      .meta({ description: 'Hardware target of model.yml whose image served the run, when known.' }),
    profile: BenchmarkProfile.meta({ description: 'The load and data that ran, as a model.yml profile.' }),
    seed: z.number().int(),
    started_at: z.iso.datetime(),
    finished_at: z.iso.datetime(),
    interrupted: z.string().optional().meta({ description: 'Why the run stopped early, when it did.' }),
    summary: BenchSummary,
    sweep: BenchSweep.optional(),
    client: ClientSaturation,
    environment: EnvironmentFingerprint,
    samples: z.array(RequestSample),
  })
  .meta({ title: 'Gantry benchmark results', description: 'What one `gantry bench` run measured.' });
export type BenchResults = z.output<typeof BenchResults>;
