import pc from 'picocolors';
import { describeLimit } from '../core/gate/evaluate-rule.js';
import type { GateVerdict } from '../schemas/gate-verdict.js';
import { renderTable } from './render-table.js';

function change(rule: GateVerdict['rules'][number]): string {
  if (!rule.change) return 'n/a';
  const { unit } = rule.change;
  const f = (x: number) =>
    unit === 'relative'
      ? `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`
      : `${x >= 0 ? '+' : ''}${Number(x.toPrecision(3))}`;
  return `${f(rule.change.estimate)} [${f(rule.change.low)}, ${f(rule.change.high)}]`;
}

function value(x: number | null): string {
  return x === null ? 'n/a' : String(Number(x.toPrecision(4)));
}

/** The gate's verdict for a terminal: one row per rule, then why each non-passing rule is so. */
export function formatVerdict(verdict: GateVerdict, color: boolean): string {
  const c = pc.createColors(color);
  const mark = { pass: c.green('pass'), fail: c.red('FAIL'), inconclusive: c.yellow('inconclusive') };
  const rows = verdict.rules.map((r) => [
    `${r.metric}${r.profile ? ` (${r.profile})` : r.suite ? ` (${r.suite})` : ''}`,
    value(r.baseline.value),
    value(r.candidate.value),
    change(r),
    describeLimit(r.limit, r.direction),
    mark[r.verdict],
  ]);
  const lines = [
    renderTable([['METRIC', 'BASELINE', 'CANDIDATE', 'CHANGE [INTERVAL]', 'LIMIT', 'VERDICT'], ...rows]),
  ];
  for (const r of verdict.rules.filter((x) => x.verdict !== 'pass')) lines.push(`${r.metric}: ${r.reason}\n`);
  for (const w of verdict.warnings) lines.push(`warning: ${w}\n`);
  lines.push(
    `gate: ${mark[verdict.verdict]} (${verdict.confidence * 100}% confidence, ${verdict.rules.length} rules)\n`,
  );
  return lines.join('');
}
