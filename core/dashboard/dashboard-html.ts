import { formatValue } from '../gate/format-change.js';
import { escapeHtml } from '../report/escape-html.js';
import { svgLineChart } from '../report/svg-line-chart.js';
import type { DashboardData, DashboardModel } from './dashboard-data.js';
import type { FleetRow } from './fleet-rows.js';

const CSS = `
:root { color-scheme: light; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --soft: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: var(--fg); }
header { padding: 16px 32px; border-bottom: 1px solid var(--line); display: flex; justify-content: space-between; align-items: baseline; }
header h1 { font-size: 20px; margin: 0; }
main { max-width: 1340px; margin: 0 auto; padding: 8px 32px 48px; }
h2 { font-size: 18px; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 15px; margin: 20px 0 6px; }
.muted, .sub { color: var(--muted); }
table { border-collapse: collapse; width: 100%; margin: 8px 0; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid var(--line); padding: 5px 10px; text-align: left; vertical-align: top; }
th { background: var(--soft); font-weight: 600; }
td.num { text-align: right; white-space: nowrap; }
.badge { display: inline-block; font-size: 12px; font-weight: 600; color: #fff; padding: 1px 8px; border-radius: 999px; }
.badge.pass { background: #1a7f37; } .badge.fail { background: #cf222e; } .badge.inconclusive { background: #9a6700; } .badge.none { background: #7a869a; }
.env { display: inline-block; font-size: 12px; border: 1px solid #1f6feb; color: #1f6feb; padding: 0 6px; border-radius: 4px; margin-right: 4px; }
.health.healthy { color: #1a7f37; font-weight: 600; } .health.stopped, .health.failed, .health.rolled_back { color: #cf222e; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 16px; }
.chart { width: 100%; height: auto; background: var(--soft); border: 1px solid var(--line); border-radius: 6px; }
.chart text { font: 11px system-ui, sans-serif; fill: #59636e; } .chart .chart-title { font-size: 13px; font-weight: 600; fill: #1f2328; }
.chart .grid { stroke: #d1d9e0; stroke-width: 1; }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; background: var(--soft); padding: 1px 4px; border-radius: 4px; }
nav a { margin-right: 12px; }
`;

const PALETTE = ['#1f6feb', '#d1242f', '#2da44e', '#bf8700', '#8250df', '#59636e'];

const e = escapeHtml;

function verdictBadge(verdict: string | undefined): string {
  return `<span class="badge ${verdict ?? 'none'}">${e(verdict ?? 'not gated')}</span>`;
}

function environmentsTable(model: DashboardModel): string {
  if (model.environments.length === 0) return '<p class="muted">Not promoted to any environment yet.</p>';
  const rows = model.environments.map((env) => {
    const moves = env.history
      .slice(-5)
      .reverse()
      .map(
        (h) =>
          `${e(h.reason)} ${e(h.from ?? '—')} → ${e(h.to)} <span class="muted">by ${e(h.actor)}, ${e(h.time.slice(0, 16))}</span>`,
      )
      .join('<br>');
    return `<tr><td><span class="env">${e(env.environment)}</span></td><td><code>${e(env.version)}</code></td><td>${e(env.since.slice(0, 16))} by ${e(env.by)}</td><td>${moves}</td></tr>`;
  });
  return `<table class="environments"><thead><tr><th>Environment</th><th>Version</th><th>Since</th><th>Latest moves</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function versionsTable(model: DashboardModel): string {
  // The figures shown are those the newest version has: the columns a reader compares down.
  const newest = model.versions.at(-1);
  const columns = Object.keys(newest?.figures ?? {}).slice(0, 6);
  const head = ['Version', 'Gate', 'Runs in', 'Targets', 'Commit', 'Recorded', ...columns]
    .map((c) => `<th>${e(c)}</th>`)
    .join('');
  const rows = [...model.versions].reverse().map((v) => {
    const figures = columns.map(
      (c) => `<td class="num">${v.figures[c] === undefined ? '–' : e(formatValue(v.figures[c]))}</td>`,
    );
    const gate = `${verdictBadge(v.verdict)}${v.gated_against ? ` <span class="muted">vs ${e(v.gated_against)}</span>` : ''}`;
    const runsIn =
      v.environments.map((env) => `<span class="env">${e(env)}</span>`).join('') ||
      '<span class="muted">—</span>';
    const commit = v.run_url
      ? `<a href="${e(v.run_url)}"><code>${e(v.git_sha.slice(0, 12))}</code></a>`
      : `<code>${e(v.git_sha.slice(0, 12))}</code>`;
    return `<tr class="version" data-version="${e(v.version)}"><td><code>${e(v.version)}</code></td><td>${gate}</td><td>${runsIn}</td><td>${e(v.targets.join(', ') || '—')}</td><td>${commit}</td><td>${e(v.recorded_at.slice(0, 16))} by ${e(v.recorded_by)}</td>${figures.join('')}</tr>`;
  });
  return `<table class="versions"><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** One chart per headline figure, over the versions that have it: where a model is heading. */
function trendCharts(model: DashboardModel): string {
  if (model.versions.length < 2) return '';
  const keys = [...new Set(model.versions.flatMap((v) => Object.keys(v.figures)))].slice(0, 6);
  const charts = keys.flatMap((key, index) => {
    const points = model.versions.flatMap((v, x) =>
      v.figures[key] === undefined ? [] : [{ x, y: v.figures[key]! }],
    );
    if (points.length < 2) return [];
    return [
      svgLineChart({
        title: key,
        xLabel: 'version',
        yLabel: key.split(' ')[0]!,
        series: [{ name: model.name, color: PALETTE[index % PALETTE.length]!, points }],
        xTicks: model.versions.map((v, x) => ({ x, label: v.version })),
      }),
    ];
  });
  return charts.length === 0 ? '' : `<h3>Trends</h3><div class="charts">${charts.join('')}</div>`;
}

function fleetTable(fleet: FleetRow[]): string {
  if (fleet.length === 0) return '<p class="muted">No deployment records.</p>';
  const rows = fleet.map(
    (d) =>
      `<tr><td><span class="env">${e(d.environment)}</span></td><td>${e(d.model)}</td><td><code>${e(d.version)}</code></td><td>${e(d.where)}</td><td>${e(d.instance)}</td><td><code>${e(d.image?.slice(0, 19) ?? '—')}</code></td><td>${e(d.gpus.join(', ') || '—')}</td><td>${e(d.url ?? '—')}</td><td class="health ${e(d.state)}">${e(d.state)}</td><td>${e(d.since.slice(0, 16))}</td></tr>`,
  );
  return `<table class="fleet"><thead><tr><th>Environment</th><th>Model</th><th>Version</th><th>Where</th><th>Process/container</th><th>Image</th><th>GPUs</th><th>URL</th><th>State</th><th>Since</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/**
 * The read-only dashboard as one self-contained page (no script, no request elsewhere): every model's
 * environments and versions with their gate verdicts and headline figures, trend charts over versions,
 * and what runs where.
 */
export function dashboardHtml(data: DashboardData, title = 'Gantry'): string {
  const nav = data.models.map((m) => `<a href="#model-${e(m.name)}">${e(m.name)}</a>`).join('');
  const models = data.models.map(
    (m) =>
      `<section class="model" id="model-${e(m.name)}"><h2>${e(m.name)}</h2><h3>Environments</h3>${environmentsTable(m)}<h3>Versions</h3>${versionsTable(m)}${trendCharts(m)}</section>`,
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)} · models</title><style>${CSS}</style></head>
<body><header><h1>${e(title)}</h1><span class="sub">${data.models.length} model${data.models.length === 1 ? '' : 's'} · read ${e(data.generated_at.slice(0, 19).replace('T', ' '))} UTC</span></header>
<main><nav>${nav}</nav>
${models.join('\n') || '<p class="muted">No model version is recorded yet: run <code>gantry pipeline</code> or <code>gantry registry record</code>.</p>'}
<h2 id="fleet">Fleet: what runs where</h2>${fleetTable(data.fleet)}
</main></body></html>
`;
}
