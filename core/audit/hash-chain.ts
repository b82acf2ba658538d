import { createHash } from 'node:crypto';
import { AuditDraft, AuditEntry } from '../../schemas/audit-entry.js';

export const GENESIS = '0'.repeat(64);

/** JSON with keys sorted at every level: the same entry always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function entryHash(entry: Omit<AuditEntry, 'hash'>): string {
  return createHash('sha256').update(canonicalJson(entry)).digest('hex');
}

/** The next entry of a chain whose last entry is `last` (undefined for an empty log). */
export function chainEntry(last: AuditEntry | undefined, draft: AuditDraft): AuditEntry {
  const body = { ...AuditDraft.parse(draft), seq: (last?.seq ?? 0) + 1, prev: last?.hash ?? GENESIS };
  return { ...body, hash: entryHash(body) };
}

export type ChainVerdict =
  | { ok: true; entries: AuditEntry[] }
  | { ok: false; entries: AuditEntry[]; line: number; reason: string };

/**
 * Proves a log is the chain it claims to be: every line a well-formed entry, every hash its content's,
 * every `prev` the hash of the line before, `seq` counting up by one. The first broken line is named.
 * An `anchor` (a hash recorded elsewhere, e.g. in a release) must be in the chain: without one, entries
 * cut off the end leave no trace in the log itself.
 */
export function verifyChain(text: string, anchor?: string): ChainVerdict {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const entries: AuditEntry[] = [];
  const bad = (line: number, reason: string): ChainVerdict => ({ ok: false, entries, line, reason });
  for (const [i, line] of lines.entries()) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      return bad(i + 1, 'not a complete JSON entry (truncated or corrupted)');
    }
    const result = AuditEntry.safeParse(parsed);
    if (!result.success) return bad(i + 1, `not an audit entry: ${result.error.issues[0]?.message}`);
    const entry = result.data;
    const { hash, ...body } = entry;
    if (entryHash(body) !== hash)
      return bad(i + 1, 'its content does not match its hash: the entry was edited');
    const previous = entries.at(-1);
    if (entry.prev !== (previous?.hash ?? GENESIS)) {
      return bad(i + 1, 'it does not follow the entry before it: an entry was removed, inserted or moved');
    }
    if (entry.seq !== (previous?.seq ?? 0) + 1)
      return bad(i + 1, `expected entry ${(previous?.seq ?? 0) + 1}, found ${entry.seq}`);
    entries.push(entry);
  }
  if (anchor !== undefined && !entries.some((e) => e.hash === anchor)) {
    return bad(
      lines.length + 1,
      `the anchor ${anchor.slice(0, 12)}… is not in the log: entries were cut off its end`,
    );
  }
  return { ok: true, entries };
}
