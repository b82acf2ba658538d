import type { BenchmarkKind } from '../../schemas/metrics.js';
import { BenchmarkProfile, type ModelManifest } from '../../schemas/model-manifest.js';
import { GantryError } from '../errors.js';

/** What `gantry bench` flags can say about a run; each overrides the profile's field. */
export interface BenchFlags {
  kind?: BenchmarkKind;
  path?: string;
  concurrency?: number;
  rate?: number;
  arrivals?: 'constant' | 'poisson' | 'gamma';
  burstiness?: number;
  maxConcurrency?: number;
  /** Sweep the offered rate (from --rate, default 1/s) for the highest one meeting the SLOs. */
  sweep?: boolean;
  maxRate?: number;
  requests?: number;
  duration?: number;
  warmup?: number;
  inputTokens?: number;
  outputTokens?: number;
  spread?: number;
  /** Read by the caller: a path given on the command line is relative to where the user stands, not to model.yml. */
  dataset?: string;
  slo?: string;
  timeout?: number;
}

const SLO_NAMES: Record<string, string> = {
  ttft: 'ttft_ms',
  tpot: 'tpot_ms',
  e2el: 'e2el_ms',
  latency: 'latency_ms',
  rtf: 'rtf',
};

/** `ttft:500,tpot:50` → { ttft_ms: 500, tpot_ms: 50 }. */
export function parseSlo(text: string): Record<string, number> {
  const slo: Record<string, number> = {};
  for (const part of text.split(',').filter((p) => p.trim() !== '')) {
    const [name, value] = part.split(':').map((s) => s.trim());
    const field = SLO_NAMES[name ?? ''] ?? (Object.values(SLO_NAMES).includes(name ?? '') ? name : undefined);
    const number = Number(value);
    if (!field || value === undefined || value === '' || !Number.isFinite(number) || number <= 0)
      throw new GantryError(
        'bench.slo',
        `--slo: cannot read "${part}": write NAME:VALUE pairs like ttft:500,tpot:50 (names: ${Object.keys(SLO_NAMES).join(', ')})`,
      );
    slo[field] = number;
  }
  return slo;
}

/**
 * The profile a run uses: a model.yml profile (when named) with the flags laid over it, checked by the
 * same schema as model.yml so both paths accept exactly the same runs.
 */
export function resolveProfile(
  flags: BenchFlags,
  manifest?: { manifest: ModelManifest; file: string; profile: string },
): BenchmarkProfile {
  let base: Record<string, unknown> = {};
  if (manifest) {
    const found = manifest.manifest.benchmark[manifest.profile];
    if (!found) {
      const names = Object.keys(manifest.manifest.benchmark);
      throw new GantryError(
        'bench.profile',
        `${manifest.file}: no benchmark profile "${manifest.profile}"${names.length ? ` (profiles: ${names.join(', ')})` : ' (the manifest has no benchmark section)'}`,
      );
    }
    base = { ...found };
  }
  const merged: Record<string, unknown> = { ...base };
  const set = (field: string, value: unknown) => {
    if (value !== undefined) merged[field] = value;
  };
  set('kind', flags.kind);
  set('path', flags.path);
  set('input_tokens', flags.inputTokens);
  set('output_tokens', flags.outputTokens);
  set('spread', flags.spread);
  set('warmup', flags.warmup);
  set('timeout_s', flags.timeout);
  if (flags.requests !== undefined || flags.duration !== undefined) {
    delete merged.requests;
    delete merged.duration_s;
    set('requests', flags.requests);
    set('duration_s', flags.duration);
  }
  if (flags.concurrency !== undefined && flags.rate !== undefined)
    throw new GantryError(
      'bench.load',
      'give either --concurrency (closed loop) or --rate (open loop), not both',
    );
  if (flags.sweep) {
    if (flags.concurrency !== undefined)
      throw new GantryError('bench.load', '--sweep varies the offered rate: it cannot take --concurrency');
    if (flags.arrivals === 'gamma' || flags.burstiness !== undefined)
      throw new GantryError('bench.load', 'a sweep steps with constant or poisson arrivals, not gamma');
    const given = (merged.load as { type?: string } | undefined)?.type === 'sweep' ? merged.load : {};
    merged.load = {
      ...(given as object),
      type: 'sweep',
      ...(flags.rate !== undefined ? { start_rate: flags.rate } : {}),
      ...(flags.maxRate !== undefined ? { max_rate: flags.maxRate } : {}),
      ...(flags.arrivals !== undefined ? { arrivals: flags.arrivals } : {}),
      ...(flags.maxConcurrency !== undefined ? { max_concurrency: flags.maxConcurrency } : {}),
    };
  } else if (flags.maxRate !== undefined) {
    throw new GantryError('bench.load', '--max-rate needs --sweep');
  } else if (flags.concurrency !== undefined)
    merged.load = { type: 'concurrency', concurrency: flags.concurrency };
  else if (flags.rate !== undefined) {
    const type = flags.arrivals ?? 'poisson';
    merged.load = {
      type,
      rate: flags.rate,
      ...(type === 'gamma' ? { burstiness: flags.burstiness ?? 1 } : {}),
      ...(flags.maxConcurrency !== undefined ? { max_concurrency: flags.maxConcurrency } : {}),
    };
  } else if (
    flags.arrivals !== undefined ||
    flags.burstiness !== undefined ||
    flags.maxConcurrency !== undefined
  ) {
    throw new GantryError('bench.load', '--arrivals, --burstiness and --max-concurrency need --rate');
  }
  if (flags.slo !== undefined) merged.slo = parseSlo(flags.slo);
  if (merged.kind === undefined)
    throw new GantryError(
      'bench.kind',
      'say what to benchmark: --kind openai-chat|openai-completions|embeddings|asr|rest, or --manifest and --profile',
    );
  if (merged.requests === undefined && merged.duration_s === undefined) merged.requests = 100;
  const parsed = BenchmarkProfile.safeParse(merged);
  if (!parsed.success) {
    const lines = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || 'profile'}: ${issue.message}`,
    );
    throw new GantryError('bench.profile', `the benchmark settings are not valid:\n  ${lines.join('\n  ')}`);
  }
  if (parsed.data.load.type === 'sweep' && parsed.data.slo === undefined)
    throw new GantryError(
      'bench.slo',
      'a sweep needs SLOs to know which rate is too high: give --slo, e.g. ttft:500,tpot:50',
    );
  return parsed.data;
}
