import { formatValue } from '../gate/format-change.js';
import type { TrendSeries } from './trend-series.js';

const quoted = (text: string) => `"${text.replaceAll('"', "'")}"`;

/** A round upper end for an axis that starts at zero, so small changes are not blown up. */
export function niceMax(value: number): number {
  if (!(value > 0)) return 1;
  const step = 10 ** Math.floor(Math.log10(value));
  return Math.ceil((value * 1.15) / step) * step;
}

/** A trend as a Mermaid `xychart-beta` block, which GitHub renders as a line chart. */
export function mermaidTrend(series: TrendSeries): string {
  const max = niceMax(Math.max(...series.points.map((p) => p.value)));
  return [
    '```mermaid',
    'xychart-beta',
    `  title ${quoted(series.label)}`,
    `  x-axis [${series.points.map((p) => quoted(p.version)).join(', ')}]`,
    `  y-axis ${quoted(series.metric)} 0 --> ${max}`,
    `  line [${series.points.map((p) => formatValue(p.value)).join(', ')}]`,
    '```',
    '',
  ].join('\n');
}
