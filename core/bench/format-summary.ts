import type { BenchResults, BenchSweep, LatencyStats } from '../../schemas/bench-results.js';

const FAMILIES = ['ttft_ms', 'tpot_ms', 'itl_ms', 'e2el_ms', 'latency_ms', 'rtf', 'slot_wait_ms'] as const;

function fixed(value: number | null | undefined, digits = 2): string {
  return value === null || value === undefined ? '—' : value.toFixed(digits);
}

function row(name: string, stats: LatencyStats): string {
  const p99 = stats.ci.p99;
  const flag =
    stats.too_few_samples.length > 0 ? `  (too few samples for ${stats.too_few_samples.join(', ')})` : '';
  return `  ${name.padEnd(24)} ${String(stats.n).padStart(7)} ${[stats.mean, stats.p50, stats.p90, stats.p95, stats.p99].map((v) => fixed(v).padStart(9)).join(' ')}   [${fixed(p99.low)}, ${fixed(p99.high)}]${flag}`;
}

/** The final table `gantry bench` prints: rates, errors by kind, each latency with n and its p99 interval. */
export function formatSummary(results: BenchResults): string {
  const s = results.summary;
  const lines: string[] = [];
  const load = results.profile.load;
  const shape =
    load.type === 'concurrency'
      ? `concurrency ${load.concurrency}`
      : load.type === 'sweep'
        ? `sweep of ${load.arrivals} rates from ${load.start_rate}/s; the run below is step ${(results.sweep?.reported_step ?? 0) + 1}`
        : `${load.type} ${load.rate}/s`;
  lines.push(`${results.kind} ${results.endpoint}${results.path} — ${shape}, seed ${results.seed}`);
  lines.push(
    `  completed ${s.completed}, failed ${s.failed}${
      s.failed
        ? ` (${Object.entries(s.errors)
            .map(([k, n]) => `${k}: ${n}`)
            .join(', ')})`
        : ''
    } in ${s.window_s.toFixed(2)} s`,
  );
  lines.push(
    `  requests/s ${fixed(s.requests_per_s)}${s.inputs_per_s === undefined ? '' : `, inputs/s ${fixed(s.inputs_per_s)}`}`,
  );
  if (s.output_tokens_per_s !== undefined)
    lines.push(
      `  output tokens/s ${fixed(s.output_tokens_per_s, 1)} (peak ${fixed(s.peak_output_tokens_per_s, 1)}), total tokens/s ${fixed(s.total_tokens_per_s, 1)}, tokens from ${s.tokens_source}`,
    );
  if (s.goodput_per_s !== undefined)
    lines.push(
      `  goodput/s ${fixed(s.goodput_per_s)} (SLO attainment ${fixed((s.slo_attainment ?? 0) * 100, 1)}%)`,
    );
  if (s.offered_rate !== undefined)
    lines.push(
      `  offered ${fixed(s.offered_rate)}/s, achieved ${fixed(s.achieved_rate)}/s${s.rate_shortfall ? ' — SHORT OF THE OFFERED RATE' : ''}`,
    );
  lines.push(
    `  ${'ms'.padEnd(24)} ${'n'.padStart(7)} ${['mean', 'p50', 'p90', 'p95', 'p99'].map((h) => h.padStart(9)).join(' ')}   p99 95% interval`,
  );
  for (const family of FAMILIES) {
    const stats = s[family];
    if (stats) lines.push(row(family, stats));
  }
  if (s.from_scheduled) {
    for (const [family, stats] of Object.entries(s.from_scheduled))
      if (stats) lines.push(row(`${family} (scheduled)`, stats));
  }
  const c = results.client;
  lines.push(
    c.saturated
      ? `  CLIENT SATURATED — figures may describe the client, not the server: ${c.reasons.join('; ')}`
      : `  client ok: event-loop delay p99 ${fixed(c.event_loop_delay_ms.p99)} ms, CPU ${fixed(c.cpu_percent, 0)}%`,
  );
  if (results.sweep) lines.push(...formatSweep(results.sweep));
  if (results.interrupted) lines.push(`  interrupted: ${results.interrupted}`);
  return `${lines.join('\n')}\n`;
}

/** The sweep's curve, one line per step in rate order, and the knee. */
function formatSweep(sweep: BenchSweep): string[] {
  const lines = [
    sweep.knee_rate === null
      ? `  SWEEP: no offered rate met the SLOs (${sweep.stopped})`
      : `  SWEEP: knee at ${fixed(sweep.knee_rate)}/s offered (${sweep.stopped})`,
    `  ${'offered/s'.padStart(11)} ${'achieved/s'.padStart(11)} ${'goodput/s'.padStart(10)} ${'SLO met'.padStart(8)} ${'ttft p50'.padStart(9)} ${'ttft p99'.padStart(9)} ${'e2el p99'.padStart(9)}`,
  ];
  for (const step of [...sweep.steps].sort((a, b) => a.offered_rate - b.offered_rate)) {
    const p = step.percentiles;
    const e2e = p.e2el_ms ?? p.latency_ms;
    lines.push(
      `  ${fixed(step.offered_rate).padStart(11)} ${fixed(step.achieved_rate).padStart(11)} ${fixed(step.goodput_per_s).padStart(10)} ${`${fixed(step.slo_attainment * 100, 1)}%`.padStart(8)} ${fixed(p.ttft_ms?.p50).padStart(9)} ${fixed(p.ttft_ms?.p99).padStart(9)} ${fixed(e2e?.p99).padStart(9)}${step.met ? '' : '  missed'}`,
    );
  }
  return lines;
}
