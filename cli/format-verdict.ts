import pc from 'picocolors';
import { describeLimit } from '../core/gate/evaluate-rule.js';
import { formatChange, formatValue } from '../core/gate/format-change.js';
import type { GateVerdict } from '../schemas/gate-verdict.js';
import { renderTable } from './render-table.js';

/** The gate's verdict for a terminal: one row per rule, then why each non-passing rule is so. */
export function formatVerdict(verdict: GateVerdict, color: boolean): string {
  const c = pc.createColors(color);
  const mark = { pass: c.green('pass'), fail: c.red('FAIL'), inconclusive: c.yellow('inconclusive') };
  const rows = verdict.rules.map((r) => [
    `${r.metric}${r.profile ? ` (${r.profile})` : r.suite ? ` (${r.suite})` : ''}`,
    formatValue(r.baseline.value),
    formatValue(r.candidate.value),
    formatChange(r.change),
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
