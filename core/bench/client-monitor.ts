import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { ClientSaturation } from '../../schemas/bench-results.js';

/** Above these the client, not the server, may be what limits or distorts the measurement. */
export const SATURATION_LIMITS = { eventLoopP99Ms: 20, cpuPercent: 90, sendLagP99Ms: 10 };

export interface ClientFigures {
  eventLoop: { mean: number; p99: number; max: number };
  cpuPercent: number;
  sendLag?: { p50: number; p99: number };
}

/** Judges the client's own figures: saturated when any is past its limit, with the reasons. */
export function judgeSaturation(figures: ClientFigures): ClientSaturation {
  const reasons: string[] = [];
  const { eventLoopP99Ms, cpuPercent, sendLagP99Ms } = SATURATION_LIMITS;
  if (figures.eventLoop.p99 > eventLoopP99Ms)
    reasons.push(`event-loop delay p99 ${figures.eventLoop.p99.toFixed(1)} ms > ${eventLoopP99Ms} ms`);
  if (figures.cpuPercent > cpuPercent)
    reasons.push(`client CPU ${figures.cpuPercent.toFixed(0)}% of a core > ${cpuPercent}%`);
  if (figures.sendLag && figures.sendLag.p99 > sendLagP99Ms)
    reasons.push(`sends left ${figures.sendLag.p99.toFixed(1)} ms late at p99 > ${sendLagP99Ms} ms`);
  return {
    event_loop_delay_ms: figures.eventLoop,
    cpu_percent: figures.cpuPercent,
    ...(figures.sendLag ? { send_lag_ms: figures.sendLag } : {}),
    saturated: reasons.length > 0,
    reasons,
  };
}

const RESOLUTION_MS = 10;

/** Watches this process while a run goes: event-loop delay (10 ms resolution) and CPU time. */
export function watchClient(): () => Omit<ClientFigures, 'sendLag'> {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  const cpu = process.cpuUsage();
  const started = performance.now();
  return () => {
    histogram.disable();
    const used = process.cpuUsage(cpu);
    const wallMs = performance.now() - started;
    // Node records the whole interval between timer wake-ups, the resolution included: only what is
    // past the resolution is delay.
    const ns = (v: number) => (Number.isFinite(v) ? Math.max(0, v / 1e6 - RESOLUTION_MS) : 0);
    return {
      eventLoop: { mean: ns(histogram.mean), p99: ns(histogram.percentile(99)), max: ns(histogram.max) },
      cpuPercent: wallMs > 0 ? ((used.user + used.system) / 1000 / wallMs) * 100 : 0,
    };
  };
}
