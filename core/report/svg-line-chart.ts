import { formatValue } from '../gate/format-change.js';
import { escapeHtml } from './escape-html.js';
import { niceMax } from './mermaid-trend.js';

export interface LineSeries {
  name: string;
  color: string;
  points: readonly { x: number; y: number }[];
  dashed?: boolean;
}

export interface LineChart {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly LineSeries[];
  /** Named positions on the x axis (versions); numeric ticks when absent. */
  xTicks?: readonly { x: number; label: string }[];
}

const W = 640;
const PLOT_HEIGHT = 210;

/** An inline SVG line chart; the y axis starts at zero so a small change looks small. */
export function svgLineChart(chart: LineChart): string {
  // The legend stacks above the plot, one row a series, so it never covers a line.
  const M = { left: 64, right: 40, top: 36 + 16 * chart.series.length, bottom: 52 };
  const H = M.top + PLOT_HEIGHT + M.bottom;
  const all = chart.series.flatMap((s) => s.points);
  const xs = all.map((p) => p.x);
  let [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  if (!(x1 > x0)) [x0, x1] = [x0 - 1, x1 + 1];
  const yMax = niceMax(Math.max(...all.map((p) => p.y)));
  const px = (x: number) => M.left + ((x - x0) / (x1 - x0)) * (W - M.left - M.right);
  const py = (y: number) => H - M.bottom - (y / yMax) * (H - M.top - M.bottom);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeHtml(chart.title)}" class="chart">`,
    `<text x="${M.left}" y="22" class="chart-title">${escapeHtml(chart.title)}</text>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const y = (yMax * i) / 4;
    parts.push(
      `<line x1="${M.left}" x2="${W - M.right}" y1="${py(y)}" y2="${py(y)}" class="grid"/>`,
      `<text x="${M.left - 6}" y="${py(y) + 4}" text-anchor="end" class="tick">${formatValue(y)}</text>`,
    );
  }
  const ticks =
    chart.xTicks ??
    Array.from({ length: 5 }, (_, i) => {
      const x = x0 + ((x1 - x0) * i) / 4;
      return { x, label: formatValue(x) };
    });
  for (const t of ticks)
    parts.push(
      `<text x="${px(t.x)}" y="${H - M.bottom + 18}" text-anchor="middle" class="tick">${escapeHtml(t.label)}</text>`,
    );
  parts.push(
    `<text x="${(M.left + W - M.right) / 2}" y="${H - 10}" text-anchor="middle" class="axis">${escapeHtml(chart.xLabel)}</text>`,
    `<text transform="translate(14 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle" class="axis">${escapeHtml(chart.yLabel)}</text>`,
  );
  chart.series.forEach((s, i) => {
    const d = s.points
      .map((p, j) => `${j === 0 ? 'M' : 'L'}${px(p.x).toFixed(1)},${py(p.y).toFixed(1)}`)
      .join(' ');
    parts.push(
      `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
    );
    for (const p of s.points)
      parts.push(
        `<circle cx="${px(p.x).toFixed(1)}" cy="${py(p.y).toFixed(1)}" r="3.5" fill="${s.color}"><title>${escapeHtml(`${s.name}: ${formatValue(p.y)}`)}</title></circle>`,
      );
    const lx = W - M.right - 176;
    const ly = 36 + i * 16;
    parts.push(
      `<line x1="${lx}" x2="${lx + 18}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
      `<text x="${lx + 24}" y="${ly + 4}" class="legend">${escapeHtml(s.name)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('');
}
