import type { AuditDraft, AuditEntry } from '../../schemas/audit-entry.js';
import { GantryError } from '../errors.js';
import { advanceRef, commitFile, gitOrFail, readRef } from '../git-plumbing.js';
import { type ChainVerdict, chainEntry, verifyChain } from './hash-chain.js';

export const AUDIT_BRANCH = 'gantry-audit';
const AUDIT_FILE = 'audit.jsonl';

/**
 * The audit log of a repository: `audit.jsonl` on its own branch, written with git plumbing so the
 * working tree is never touched. Appends are optimistic: the branch moves only if it still points where
 * it did when the entry was chained; if another writer got there first, the entry is chained again on
 * top of theirs, so concurrent writers lose nothing.
 */
export class GitAuditLog {
  constructor(
    readonly repoDir: string,
    readonly branch = AUDIT_BRANCH,
  ) {}

  private get ref(): string {
    return `refs/heads/${this.branch}`;
  }

  async read(): Promise<{ text: string; commit?: string }> {
    const commit = await readRef(this.repoDir, this.ref);
    return { text: await this.textAt(commit), commit };
  }

  private async textAt(commit: string | undefined): Promise<string> {
    if (!commit) return '';
    const text = await gitOrFail(this.repoDir, ['show', `${commit}:${AUDIT_FILE}`]);
    return text ? `${text}\n` : '';
  }

  async verify(anchor?: string): Promise<ChainVerdict> {
    return verifyChain((await this.read()).text, anchor);
  }

  async append(draft: AuditDraft, attempts = 20): Promise<AuditEntry> {
    return advanceRef(
      this.repoDir,
      this.ref,
      async (commit) => {
        const text = await this.textAt(commit);
        const chain = verifyChain(text);
        if (!chain.ok) {
          throw new GantryError(
            'audit_broken',
            `the audit log on ${this.branch} is broken at line ${chain.line} (${chain.reason}); nothing was appended`,
            1,
          );
        }
        const entry = chainEntry(chain.entries.at(-1), draft);
        const subject = `${entry.subject.model}${entry.subject.version ? `@${entry.subject.version}` : ''}`;
        const next = await commitFile(
          this.repoDir,
          { name: AUDIT_FILE, text: `${text}${JSON.stringify(entry)}\n` },
          commit,
          `audit ${entry.seq}: ${entry.event} ${subject}`,
        );
        return { value: entry, commit: next };
      },
      (n) =>
        new GantryError(
          'audit_contended',
          `could not append to ${this.branch} after ${n} attempts: too many concurrent writers`,
          1,
        ),
      attempts,
    );
  }
}
