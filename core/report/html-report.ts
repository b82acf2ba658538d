import type { BenchResults, BenchSweep } from '../../schemas/bench-results.js';
import { LATENCY_METRICS } from '../../schemas/metrics.js';
import { isEvaluation } from '../../schemas/results.js';
import { describeLimit } from '../gate/evaluate-rule.js';
import { formatChange, formatValue } from '../gate/format-change.js';
import { requestValue, statistic } from '../gate/metric-observations.js';
import { escapeHtml } from './escape-html.js';
import {
  groupTitle,
  percentLabel,
  profileRuns,
  type ReportInput,
  reportWarnings,
  ruleGroups,
  VERDICT_HEADLINE,
  verdictCounts,
} from './report-input.js';
import { describeLoad } from './report-markdown.js';
import { svgHistogram } from './svg-histogram.js';
import { svgLineChart } from './svg-line-chart.js';
import { trendRuns, trendSeries } from './trend-series.js';

const COLOR = {
  baseline: '#7a869a',
  candidate: '#1f6feb',
  p50: '#2da44e',
  p90: '#bf8700',
  p95: '#d1242f',
  p99: '#8250df',
};

const CSS = `
:root { color-scheme: light; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg: #ffffff; --soft: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: var(--fg); background: var(--bg); }
main { max-width: 1340px; margin: 0 auto; padding: 24px 32px 48px; }
h1 { font-size: 24px; margin: 0 0 4px; display: flex; align-items: center; gap: 12px; }
h2 { font-size: 18px; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
.sub, .tick, .axis, .legend { color: var(--muted); }
.badge { font-size: 13px; font-weight: 600; letter-spacing: .04em; color: #fff; padding: 3px 10px; border-radius: 999px; }
.badge.pass { background: #1a7f37; } .badge.fail { background: #cf222e; } .badge.inconclusive { background: #9a6700; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid var(--line); padding: 5px 10px; text-align: left; vertical-align: top; }
th { background: var(--soft); font-weight: 600; }
td.num { text-align: right; white-space: nowrap; }
tr.fail td.v { color: #cf222e; font-weight: 600; } tr.inconclusive td.v { color: #9a6700; font-weight: 600; } tr.pass td.v { color: #1a7f37; }
td.why { color: var(--muted); font-size: 12px; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 16px; }
.chart { width: 100%; height: auto; background: var(--soft); border: 1px solid var(--line); border-radius: 6px; }
.chart text { font: 11px system-ui, sans-serif; fill: #59636e; } .chart .chart-title { font-size: 13px; font-weight: 600; fill: #1f2328; }
.chart .grid { stroke: #d1d9e0; stroke-width: 1; }
.warning { background: #fff8c5; border: 1px solid #d4a72c; border-radius: 6px; padding: 8px 12px; margin: 8px 0; }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; background: var(--soft); padding: 1px 4px; border-radius: 4px; }
`;

function rulesTable(input: ReportInput): string {
  const interval = percentLabel(input.verdict.confidence_per_rule);
  const rows = ruleGroups(input.verdict).flatMap((group) =>
    group.rules.map(
      (
        r,
      ) => `<tr class="${r.verdict}"><td>${escapeHtml(groupTitle(group))} <span class="sub">${group.kind === 'benchmark' ? 'performance' : 'quality'}</span></td><td><code>${escapeHtml(r.metric)}</code></td>
<td class="num">${formatValue(r.baseline.value)}</td><td class="num">${formatValue(r.candidate.value)}</td><td class="num">${formatChange(r.change)}</td>
<td class="num">${describeLimit(r.limit, r.direction)}</td><td class="v">${r.verdict}</td><td class="why">${escapeHtml(r.reason)}</td></tr>`,
    ),
  );
  return `<table><thead><tr><th>Profile / suite</th><th>Metric</th><th>Baseline ${escapeHtml(input.baselineVersion)}</th><th>Candidate ${escapeHtml(input.candidateVersion)}</th><th>Change [${interval} interval]</th><th>Limit</th><th>Verdict</th><th>Why</th></tr></thead><tbody>${rows.join('\n')}</tbody></table>`;
}

/** The latency family a person looks at first: time to first token for LLMs, else request latency. */
function mainFamily(run: BenchResults): string {
  return LATENCY_METRICS[run.kind][0]!;
}

function pooled(runs: readonly BenchResults[], family: string): number[] {
  return runs.flatMap((r) => r.samples.flatMap((s) => requestValue(s, family)));
}

function profileCharts(input: ReportInput, profile: string): string {
  const candidate = profileRuns(input.candidate, profile);
  const baseline = profileRuns(input.baseline, profile);
  const first = candidate[0] ?? baseline[0];
  if (!first) return '';
  const family = mainFamily(first);
  const charts: string[] = [];
  const sides = [
    { name: `baseline ${input.baselineVersion}`, color: COLOR.baseline, values: pooled(baseline, family) },
    {
      name: `candidate ${input.candidateVersion}`,
      color: COLOR.candidate,
      values: pooled(candidate, family),
    },
  ].filter((s) => s.values.length > 0);
  if (sides.length > 0)
    charts.push(
      svgHistogram({ title: `${family} distribution, all runs pooled`, xLabel: family, series: sides }),
    );
  const versions = trendRuns(input).map((v) => ({
    version: v.version,
    values: pooled(profileRuns(v.results, profile), family),
  }));
  const measured = versions.filter((v) => v.values.length > 0);
  if (measured.length >= 2) {
    const stats = ['p50', 'p90', 'p95', 'p99'] as const;
    charts.push(
      svgLineChart({
        title: `${family} percentiles by version`,
        xLabel: 'version',
        yLabel: family,
        xTicks: measured.map((v, i) => ({ x: i, label: v.version })),
        series: stats.map((stat) => ({
          name: stat,
          color: COLOR[stat],
          points: measured.map((v, i) => ({ x: i, y: statistic(v.values, stat) })),
        })),
      }),
    );
  }
  const sweeps = [
    { name: 'baseline', color: COLOR.baseline, sweep: baseline.find((r) => r.sweep)?.sweep },
    { name: 'candidate', color: COLOR.candidate, sweep: candidate.find((r) => r.sweep)?.sweep },
  ].filter((s) => s.sweep && s.sweep.steps.length > 0);
  if (sweeps.length > 0) {
    const byRate = (s: BenchSweep) => [...s.steps].sort((a, b) => a.offered_rate - b.offered_rate);
    const top = Math.max(...sweeps.flatMap((s) => s.sweep!.steps.map((x) => x.offered_rate)));
    charts.push(
      svgLineChart({
        title: 'throughput against offered rate (sweep)',
        xLabel: 'offered rate, requests/s',
        yLabel: 'requests/s',
        series: [
          {
            name: 'offered = achieved',
            color: '#aab3bf',
            dashed: true,
            points: [
              { x: 0, y: 0 },
              { x: top, y: top },
            ],
          },
          ...sweeps.flatMap((s) => [
            {
              name: `${s.name} throughput`,
              color: s.color,
              points: byRate(s.sweep!).map((x) => ({ x: x.offered_rate, y: x.requests_per_s })),
            },
            {
              name: `${s.name} goodput`,
              color: s.color,
              dashed: true,
              points: byRate(s.sweep!).map((x) => ({ x: x.offered_rate, y: x.goodput_per_s })),
            },
          ]),
          ...sweeps.flatMap((s) =>
            s.sweep!.knee_rate === null
              ? []
              : [
                  {
                    name: `${s.name} knee: ${formatValue(s.sweep!.knee_rate)}/s`,
                    color: s.color,
                    dashed: true,
                    points: [
                      { x: s.sweep!.knee_rate, y: 0 },
                      { x: s.sweep!.knee_rate, y: top },
                    ],
                  },
                ],
          ),
        ],
      }),
    );
  }
  const load = `${first.kind}, ${describeLoad(first.profile)}; ${baseline.length} baseline and ${candidate.length} candidate runs`;
  return `<h2>${escapeHtml(profile)} <span class="sub">· performance</span></h2><p class="sub">${escapeHtml(load)}</p><div class="charts">${charts.join('')}</div>`;
}

function trends(input: ReportInput): string {
  const series = trendSeries(input, { metrics: 6 });
  if (series.length === 0) return '';
  const charts = series.map((s) =>
    svgLineChart({
      title: s.label,
      xLabel: 'version',
      yLabel: s.metric,
      xTicks: s.points.map((p, i) => ({ x: i, label: p.version })),
      series: [
        { name: s.metric, color: COLOR.candidate, points: s.points.map((p, i) => ({ x: i, y: p.value })) },
      ],
    }),
  );
  return `<h2>Key metrics by version</h2><div class="charts">${charts.join('')}</div>`;
}

function evaluations(input: ReportInput): string {
  const suites = input.candidate.filter(isEvaluation);
  if (suites.length === 0) return '';
  const rows = suites.flatMap((c) => {
    const name = c.suite ?? c.evaluator.name;
    const b = input.baseline.filter(isEvaluation).find((x) => (x.suite ?? x.evaluator.name) === name);
    return Object.entries(c.metrics).map(
      ([metric, value]) =>
        `<tr><td>${escapeHtml(name)}</td><td><code>${escapeHtml(metric)}</code></td><td class="num">${formatValue(b?.metrics[metric])}</td><td class="num">${formatValue(value)}</td><td>${escapeHtml(`${c.evaluator.name}, ${c.normaliser.name} normaliser, ${c.dataset.path} (${c.dataset.rows} rows)`)}</td></tr>`,
    );
  });
  return `<h2>Quality</h2><table><thead><tr><th>Suite</th><th>Metric</th><th>Baseline ${escapeHtml(input.baselineVersion)}</th><th>Candidate ${escapeHtml(input.candidateVersion)}</th><th>Evaluated with</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/**
 * The full report as one self-contained HTML page: inline CSS and SVG charts drawn here, no script,
 * font or image from anywhere else, so it opens from an artifact or a file with no network.
 */
export function htmlReport(input: ReportInput): string {
  const { verdict } = input;
  const profiles = [
    ...new Set(
      input.candidate
        .concat(input.baseline)
        .flatMap((r) => (isEvaluation(r) ? [] : [r.profile_name ?? r.kind])),
    ),
  ];
  const warnings = reportWarnings(verdict);
  const title = `${input.model} ${input.candidateVersion} ${VERDICT_HEADLINE[verdict.verdict]}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${CSS}</style></head>
<body><main>
<h1><span class="badge ${verdict.verdict}">${verdict.verdict.toUpperCase()}</span> ${escapeHtml(title)}</h1>
<p class="sub">Compared with ${escapeHtml(input.baselineVersion)}: ${verdictCounts(verdict.rules)} of ${verdict.rules.length} rules, at ${percentLabel(verdict.confidence)} confidence overall (${percentLabel(verdict.confidence_per_rule)} per rule). Testbed: ${escapeHtml(verdict.testbed.candidate)}.</p>
${warnings.map((w) => `<div class="warning">${escapeHtml(w)}</div>`).join('\n')}
<h2>Rules</h2>
${rulesTable(input)}
${profiles.map((p) => profileCharts(input, p)).join('\n')}
${evaluations(input)}
${trends(input)}
</main></body></html>
`;
}
