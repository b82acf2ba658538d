import type { AuditDraft, AuditEntry } from '../../schemas/audit-entry.js';
import { GantryError } from '../errors.js';
import { chainEntry, verifyChain } from './hash-chain.js';

/** The branch every backend keeps the log on, and the file on it. */
export const AUDIT_BRANCH = 'gantry-audit';
export const AUDIT_FILE = 'audit.jsonl';

/**
 * The log with one more entry, chained to its last: what every backend commits. A log that does not
 * verify gets nothing appended, so a break stays visible where it is.
 */
export function appendEntry(
  text: string,
  draft: AuditDraft,
  branch: string,
): { entry: AuditEntry; log: string; message: string } {
  const chain = verifyChain(text);
  if (!chain.ok)
    throw new GantryError(
      'audit_broken',
      `the audit log on ${branch} is broken at line ${chain.line} (${chain.reason}); nothing was appended`,
      1,
    );
  const entry = chainEntry(chain.entries.at(-1), draft);
  const subject = `${entry.subject.model}${entry.subject.version ? `@${entry.subject.version}` : ''}`;
  return {
    entry,
    log: `${text}${JSON.stringify(entry)}\n`,
    message: `audit ${entry.seq}: ${entry.event} ${subject}`,
  };
}

export function auditContended(branch: string, attempts: number): GantryError {
  return new GantryError(
    'audit_contended',
    `could not append to ${branch} after ${attempts} attempts: too many concurrent writers`,
    1,
  );
}
