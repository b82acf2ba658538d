import { formatValue } from '../gate/format-change.js';
import { statistic } from '../gate/metric-observations.js';
import { escapeHtml } from './escape-html.js';

export interface HistogramSeries {
  name: string;
  color: string;
  values: readonly number[];
}

const W = 640;
const H = 300;
const M = { left: 64, right: 40, top: 40, bottom: 52 };
const BINS = 40;

/**
 * Distributions of per-request values as overlaid step outlines, each as a share of its own requests so
 * sides of different sizes compare; the range ends at the 99.5th percentile so one straggler does not
 * squeeze the rest into a bar. A dashed line marks each side's p95.
 */
export function svgHistogram(chart: {
  title: string;
  xLabel: string;
  series: readonly HistogramSeries[];
}): string {
  const all = chart.series.flatMap((s) => s.values);
  const lo = Math.min(...all);
  let hi = statistic(all, 'p99.5');
  if (!(hi > lo)) hi = lo + 1;
  const width = (hi - lo) / BINS;
  const shares = chart.series.map((s) => {
    const counts = new Array<number>(BINS).fill(0);
    for (const v of s.values) counts[Math.min(BINS - 1, Math.max(0, Math.floor((v - lo) / width)))]! += 1;
    return counts.map((c) => c / Math.max(1, s.values.length));
  });
  const top = Math.max(...shares.flat(), 0.01);
  const px = (x: number) => M.left + ((x - lo) / (hi - lo)) * (W - M.left - M.right);
  const py = (y: number) => H - M.bottom - (y / top) * (H - M.top - M.bottom);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeHtml(chart.title)}" class="chart">`,
    `<text x="${M.left}" y="22" class="chart-title">${escapeHtml(chart.title)}</text>`,
    `<line x1="${M.left}" x2="${W - M.right}" y1="${py(0)}" y2="${py(0)}" class="grid"/>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const x = lo + ((hi - lo) * i) / 4;
    parts.push(
      `<text x="${px(x)}" y="${H - M.bottom + 18}" text-anchor="middle" class="tick">${formatValue(x)}</text>`,
    );
  }
  for (let i = 0; i <= 2; i++) {
    const y = (top * i) / 2;
    parts.push(
      `<text x="${M.left - 6}" y="${py(y) + 4}" text-anchor="end" class="tick">${(y * 100).toFixed(1)}%</text>`,
    );
  }
  parts.push(
    `<text x="${(M.left + W - M.right) / 2}" y="${H - 10}" text-anchor="middle" class="axis">${escapeHtml(chart.xLabel)}</text>`,
    `<text transform="translate(14 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle" class="axis">share of requests</text>`,
  );
  chart.series.forEach((s, i) => {
    let d = `M${px(lo).toFixed(1)},${py(0).toFixed(1)}`;
    shares[i]!.forEach((share, b) => {
      d += ` L${px(lo + b * width).toFixed(1)},${py(share).toFixed(1)} L${px(lo + (b + 1) * width).toFixed(1)},${py(share).toFixed(1)}`;
    });
    d += ` L${px(hi).toFixed(1)},${py(0).toFixed(1)} Z`;
    parts.push(
      `<path d="${d}" fill="${s.color}" fill-opacity="0.18" stroke="${s.color}" stroke-width="1.5"/>`,
    );
    if (s.values.length > 0) {
      const p95 = Math.min(hi, statistic(s.values, 'p95'));
      parts.push(
        `<line x1="${px(p95)}" x2="${px(p95)}" y1="${M.top}" y2="${py(0)}" stroke="${s.color}" stroke-dasharray="4 3"><title>${escapeHtml(`${s.name} p95: ${formatValue(p95)}`)}</title></line>`,
      );
    }
    const lx = W - M.right - 206;
    const ly = M.top - 18 + i * 16;
    parts.push(
      `<rect x="${lx}" y="${ly - 6}" width="14" height="10" fill="${s.color}" fill-opacity="0.5"/>`,
      `<text x="${lx + 20}" y="${ly + 3}" class="legend">${escapeHtml(`${s.name}, n=${s.values.length}; dashed: p95`)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('');
}
