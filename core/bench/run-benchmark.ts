import { BENCH_RESULTS_VERSION, type BenchResults, type RequestSample } from '../../schemas/bench-results.js';
import type { BenchmarkKind } from '../../schemas/metrics.js';
import type { BenchmarkProfile } from '../../schemas/model-manifest.js';
import { GantryError } from '../errors.js';
import { httpRequest } from '../http-request.js';
import type { DatasetRow } from '../jsonl-rows.js';
import { readAudioClips } from './audio-clips.js';
import { judgeSaturation, watchClient } from './client-monitor.js';
import { environmentFingerprint } from './environment.js';
import { HdrHistogram } from './hdr-histogram.js';
import { type Exchange, HttpTarget } from './http-target.js';
import { DEFAULT_PATHS, requestBuilder } from './request-bodies.js';
import { requestSample } from './request-sample.js';
import { type Dispatched, type LoadPlan, runLoad, type SteadyLoad } from './run-load.js';
import { runSweep } from './run-sweep.js';
import { summarise } from './summarise.js';

export interface BenchProgress {
  done: number;
  failed: number;
  total?: number;
  elapsedMs: number;
  /** A sweep: which step runs. */
  step?: string;
}

export interface BenchRun {
  kind: BenchmarkKind;
  endpoint: string;
  profile: BenchmarkProfile;
  profileName?: string;
  /** Hardware target of model.yml whose image is being measured: reports group by it. */
  target?: string;
  seed: number;
  dataset?: DatasetRow[];
  /** Folder of the dataset file: audio paths in its rows are relative to it. */
  datasetDir?: string;
  /** The model name sent in OpenAI requests; asked of /v1/models when not given. */
  model?: string;
  /** Stops dispatching and ends in-flight requests (Ctrl-C, an overall deadline). */
  signal: AbortSignal;
  cwd: string;
  env: NodeJS.ProcessEnv;
  imageDigest?: string;
  onProgress?: (progress: BenchProgress) => void;
}

/** Checks the endpoint answers at all (any HTTP status will do) and learns the served model's name. */
async function preflight(
  origin: string,
  kind: BenchmarkKind,
  timeoutMs: number,
): Promise<string | undefined> {
  const llm = kind === 'openai-chat' || kind === 'openai-completions' || kind === 'embeddings';
  let answer: { status: number; text: string };
  try {
    answer = await httpRequest(`${origin}${llm ? '/v1/models' : '/'}`, { timeoutMs });
  } catch (error) {
    const { code, name, message } = error as { code?: string; name?: string; message: string };
    const why =
      code === 'ECONNREFUSED'
        ? 'connection refused (is the server running on that port?)'
        : name === 'TimeoutError'
          ? `no answer within ${timeoutMs} ms`
          : message;
    throw new GantryError('bench.unreachable', `cannot reach ${origin}: ${why}`);
  }
  if (!llm || answer.status !== 200) return undefined;
  try {
    const id = (JSON.parse(answer.text) as { data?: { id?: unknown }[] }).data?.[0]?.id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

function originOf(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new GantryError(
      'bench.endpoint',
      `--endpoint "${endpoint}" is not a URL; write it like http://127.0.0.1:8000`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new GantryError('bench.endpoint', `--endpoint "${endpoint}" must be an http:// or https:// URL`);
  if (url.pathname !== '/' && url.pathname !== '')
    throw new GantryError(
      'bench.endpoint',
      `--endpoint is the server's base URL (${url.origin}); give the request path with --path`,
    );
  return url.origin;
}

/**
 * Runs one benchmark against a live endpoint and returns the complete results: whatever happens to the
 * server (death, stalls, garbage), every request sent is in the samples, and the run always ends. A
 * sweep load runs one steady run per offered rate.
 */
export function runBenchmark(run: BenchRun): Promise<BenchResults> {
  return run.profile.load.type === 'sweep' ? runSweep(run, runSteady) : runSteady(run);
}

async function runSteady(run: BenchRun): Promise<BenchResults> {
  const { kind, profile } = run;
  if (kind === 'asr' && (!run.dataset || run.datasetDir === undefined))
    throw new GantryError(
      'bench.dataset',
      'an asr benchmark needs a dataset of audio files: rows like {"audio": "clips/one.wav"}',
    );
  const clips = kind === 'asr' ? await readAudioClips(run.dataset!, run.datasetDir!) : undefined;
  const origin = originOf(run.endpoint);
  const path = profile.path ?? DEFAULT_PATHS[kind];
  const timeoutMs = profile.timeout_s * 1000;
  const model = run.model ?? (await preflight(origin, kind, Math.min(timeoutMs, 10_000)));
  const load = profile.load as SteadyLoad;
  const connections = load.type === 'concurrency' ? load.concurrency : (load.max_concurrency ?? null);
  const target = new HttpTarget(origin, path, connections, run.signal);
  const measured = requestBuilder(kind, profile, run.seed, run.dataset, model, clips);
  const warm = requestBuilder(kind, profile, run.seed + 1, run.dataset, model, clips);
  const plan: LoadPlan = {
    load,
    requests: profile.requests,
    durationMs: profile.duration_s === undefined ? undefined : profile.duration_s * 1000,
    warmup: profile.warmup,
    seed: run.seed,
  };
  const requests: ReturnType<typeof measured>[] = [];
  let warming = profile.warmup;
  let done = 0;
  let failed = 0;
  const startedAt = new Date();
  const stopWatching = watchClient();
  const clock = performance.now();
  const progress = setInterval(
    () => run.onProgress?.({ done, failed, total: profile.requests, elapsedMs: performance.now() - clock }),
    250,
  );
  let loadRun: Awaited<ReturnType<typeof runLoad<Exchange>>>;
  try {
    loadRun = await runLoad(
      plan,
      (index) => {
        if (warming > 0) {
          warming--;
          return target.send(warm(index), timeoutMs);
        }
        const request = measured(index);
        requests[index] = request;
        return target.send(request, timeoutMs);
      },
      run.signal,
      (d: Dispatched<Exchange>) => {
        done++;
        if (d.result.error) failed++;
      },
    );
  } finally {
    clearInterval(progress);
    await target.close().catch(() => {});
  }
  const figures = stopWatching();
  const samples: RequestSample[] = loadRun.dispatched.map((d) =>
    requestSample(d, requests[d.index]!, loadRun.startedAt),
  );
  const lag = new HdrHistogram();
  for (const d of loadRun.dispatched) lag.record(d.dispatchedAt - d.scheduledAt);
  const open = load.type !== 'concurrency';
  const client = judgeSaturation({
    ...figures,
    ...(open && lag.totalCount > 0
      ? { sendLag: { p50: lag.valueAtPercentile(50), p99: lag.valueAtPercentile(99) } }
      : {}),
  });
  const results: BenchResults = {
    schema_version: BENCH_RESULTS_VERSION,
    kind,
    endpoint: origin,
    path,
    ...(run.profileName ? { profile_name: run.profileName } : {}),
    ...(run.target ? { target: run.target } : {}),
    profile,
    seed: run.seed,
    started_at: startedAt.toISOString(),
    finished_at: new Date().toISOString(),
    summary: summarise(samples, kind, profile),
    client,
    environment: await environmentFingerprint(run.cwd, run.env, run.imageDigest),
    samples,
  };
  if (run.signal.aborted) results.interrupted = String(run.signal.reason ?? 'stopped');
  return results;
}
