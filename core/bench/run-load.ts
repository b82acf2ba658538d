import { performance } from 'node:perf_hooks';
import type { BenchmarkProfile } from '../../schemas/model-manifest.js';
import { arrivalSchedule } from './arrivals.js';
import { seededRandom } from './random.js';

export type SteadyLoad = Exclude<BenchmarkProfile['load'], { type: 'sweep' }>;

export interface LoadPlan {
  load: SteadyLoad;
  requests?: number;
  durationMs?: number;
  warmup: number;
  seed: number;
}

/** When one measured request was meant to go, when it got a concurrency slot, and what came back. */
export interface Dispatched<T> {
  index: number;
  scheduledAt: number;
  /** When the client got round to it: past scheduledAt by the client's own lag. */
  dispatchedAt: number;
  slotAt: number;
  result: T;
}

export interface LoadRun<T> {
  /** performance.now() at the start of the measured phase. */
  startedAt: number;
  dispatched: Dispatched<T>[];
}

/**
 * Drives the load: warm-up first (left out), then the measured phase, closed loop (N requests always
 * in flight) or open loop (sends at scheduled times whatever the server does, optionally capped by a
 * concurrency limit whose waits are recorded). Stops dispatching when `signal` aborts and returns what
 * finished; `send` must never throw.
 */
export async function runLoad<T>(
  plan: LoadPlan,
  send: (index: number) => Promise<T>,
  signal: AbortSignal,
  onResult: (done: Dispatched<T>) => void = () => {},
): Promise<LoadRun<T>> {
  const { load } = plan;
  const open = load.type !== 'concurrency';
  const warmConcurrency = open ? (load.max_concurrency ?? Math.min(8, plan.warmup)) : load.concurrency;
  if (plan.warmup > 0) await closedLoop(plan.warmup, undefined, warmConcurrency, send, signal, () => {});
  const startedAt = performance.now();
  const dispatched: Dispatched<T>[] = [];
  const record = (done: Dispatched<T>) => {
    dispatched.push(done);
    onResult(done);
  };
  if (load.type === 'concurrency') {
    const until = plan.durationMs === undefined ? undefined : startedAt + plan.durationMs;
    await closedLoop(
      plan.requests ?? Number.POSITIVE_INFINITY,
      until,
      load.concurrency,
      send,
      signal,
      record,
    );
  } else {
    const limit =
      plan.durationMs === undefined ? { count: plan.requests ?? 0 } : { untilMs: plan.durationMs };
    const schedule = arrivalSchedule(load, seededRandom(plan.seed ^ 0x5eed), limit);
    await openLoop(schedule, startedAt, load.max_concurrency, send, signal, record);
  }
  dispatched.sort((a, b) => a.index - b.index);
  return { startedAt, dispatched };
}

async function closedLoop<T>(
  count: number,
  untilAt: number | undefined,
  concurrency: number,
  send: (index: number) => Promise<T>,
  signal: AbortSignal,
  record: (done: Dispatched<T>) => void,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (;;) {
      if (signal.aborted || next >= count) return;
      const now = performance.now();
      if (untilAt !== undefined && now >= untilAt) return;
      const index = next++;
      const result = await send(index);
      record({ index, scheduledAt: now, dispatchedAt: now, slotAt: now, result });
    }
  };
  const workers = Math.min(concurrency, Number.isFinite(count) ? count : concurrency);
  await Promise.all(Array.from({ length: workers }, worker));
}

async function openLoop<T>(
  schedule: number[],
  startedAt: number,
  maxConcurrency: number | undefined,
  send: (index: number) => Promise<T>,
  signal: AbortSignal,
  record: (done: Dispatched<T>) => void,
): Promise<void> {
  const slots = new Slots(maxConcurrency ?? Number.POSITIVE_INFINITY);
  const inFlight: Promise<void>[] = [];
  for (let index = 0; index < schedule.length; index++) {
    const scheduledAt = startedAt + schedule[index]!;
    await sleepUntil(scheduledAt, signal);
    if (signal.aborted) break;
    const dispatchedAt = performance.now();
    inFlight.push(
      (async () => {
        await slots.acquire();
        const slotAt = performance.now();
        try {
          if (signal.aborted) return;
          const result = await send(index);
          record({ index, scheduledAt, dispatchedAt, slotAt, result });
        } finally {
          slots.release();
        }
      })(),
    );
  }
  await Promise.all(inFlight);
}

/** How long before a send the wait stops sleeping on timers and polls instead. */
const POLL_MS = 0.5;

/**
 * Waits until a performance.now() time: timers for the bulk (they keep whole milliseconds, and fire up
 * to one early or a little late), then setImmediate turns for the last stretch, so sends leave within a
 * fraction of a millisecond. The polling stretch is kept short: polling costs a core's time, which on a
 * small machine is the server's, and on a busy one makes the late sends later (timers alone: ~4% of a
 * core at 700 sends/s; polling the last 1.2 ms: ~25%).
 */
export async function sleepUntil(at: number, signal?: AbortSignal): Promise<void> {
  for (;;) {
    if (signal?.aborted) return;
    const wait = at - performance.now();
    if (wait <= 0) return;
    if (wait > POLL_MS)
      await new Promise((resolve) => setTimeout(resolve, Math.max(1, Math.round(wait - POLL_MS))));
    else await new Promise((resolve) => setImmediate(resolve));
  }
}

/** A counting semaphore; waiters are served in arrival order. */
class Slots {
  private used = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  acquire(): Promise<void> {
    if (this.used < this.limit) {
      this.used++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.used--;
  }
}
