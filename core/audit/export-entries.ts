import type { AuditEntry } from '../../schemas/audit-entry.js';

const COLUMNS = [
  'seq',
  'time',
  'actor',
  'event',
  'model',
  'version',
  'environment',
  'pull_request',
  'run',
  'release',
  'delivery',
  'before',
  'after',
  'prev',
  'hash',
] as const;

function csvCell(value: unknown): string {
  const text = value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The audit log as CSV for spreadsheets and auditors: one row per entry, objects as JSON cells. */
export function auditCsv(entries: readonly AuditEntry[]): string {
  const rows = entries.map((e) =>
    [
      e.seq,
      e.time,
      e.actor,
      e.event,
      e.subject.model,
      e.subject.version,
      e.subject.environment,
      e.links.pull_request,
      e.links.run,
      e.links.release,
      e.links.delivery,
      e.before,
      e.after,
      e.prev,
      e.hash,
    ]
      .map(csvCell)
      .join(','),
  );
  return `${[COLUMNS.join(','), ...rows].join('\n')}\n`;
}
