import type { AuditDraft, AuditEntry } from '../../schemas/audit-entry.js';
import { advanceRef, commitFile, gitOrFail, readRef } from '../git-plumbing.js';
import { AUDIT_BRANCH, AUDIT_FILE, appendEntry, auditContended } from './append-entry.js';
import { type ChainVerdict, verifyChain } from './hash-chain.js';

export { AUDIT_BRANCH };

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
        const { entry, log, message } = appendEntry(text, draft, this.branch);
        const next = await commitFile(this.repoDir, { name: AUDIT_FILE, text: log }, commit, message);
        return { value: entry, commit: next };
      },
      (n) => auditContended(this.branch, n),
      attempts,
    );
  }
}
