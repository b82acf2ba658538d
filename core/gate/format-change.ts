import type { RuleVerdict } from '../../schemas/gate-verdict.js';

/**
 * How the gate's numbers read wherever they are shown (its reasons, the terminal, the reports), so a
 * change reads the same in a PR comment as in `gantry gate`.
 */

/** A signed change in the limit's unit: relative as a percentage, absolute with 3 significant digits. */
export function formatSigned(unit: 'relative' | 'absolute', x: number): string {
  const sign = x >= 0 ? '+' : '';
  return unit === 'relative' ? `${sign}${(x * 100).toFixed(1)}%` : `${sign}${Number(x.toPrecision(3))}`;
}

/** A change with its interval: `+4.2% [+1.0%, +7.5%]`, or `n/a` when there is none. */
export function formatChange(change: RuleVerdict['change']): string {
  if (!change) return 'n/a';
  const f = (x: number) => formatSigned(change.unit, x);
  return `${f(change.estimate)} [${f(change.low)}, ${f(change.high)}]`;
}

/** A measured value with 4 significant digits, or `n/a`. */
export function formatValue(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : String(Number(x.toPrecision(4)));
}
