import { execFile } from 'node:child_process';
import type { AuditDraft, AuditEntry } from '../../schemas/audit-entry.js';
import { GantryError } from '../errors.js';
import { type ChainVerdict, chainEntry, verifyChain } from './hash-chain.js';

export const AUDIT_BRANCH = 'gantry-audit';
const AUDIT_FILE = 'audit.jsonl';

function git(
  cwd: string,
  args: string[],
  input?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      'git',
      args,
      {
        cwd,
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: 'gantry',
          GIT_AUTHOR_EMAIL: 'gantry@localhost',
          GIT_COMMITTER_NAME: 'gantry',
          GIT_COMMITTER_EMAIL: 'gantry@localhost',
        },
        maxBuffer: 256 * 1024 * 1024,
      },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

async function gitOrFail(cwd: string, args: string[], input?: string): Promise<string> {
  const result = await git(cwd, args, input);
  if (result.code !== 0)
    throw new GantryError('git_failed', `git ${args[0]} failed in ${cwd}: ${result.stderr.trim()}`, 1);
  return result.stdout.trim();
}

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
    const head = await git(this.repoDir, ['rev-parse', '--verify', '--quiet', this.ref]);
    if (head.code !== 0) return { text: '' };
    const commit = head.stdout.trim();
    return {
      text: await gitOrFail(this.repoDir, ['show', `${commit}:${AUDIT_FILE}`]).then((t) =>
        t ? `${t}\n` : '',
      ),
      commit,
    };
  }

  async verify(anchor?: string): Promise<ChainVerdict> {
    return verifyChain((await this.read()).text, anchor);
  }

  async append(draft: AuditDraft, attempts = 20): Promise<AuditEntry> {
    for (let attempt = 0; attempt < attempts; attempt++) {
      const { text, commit } = await this.read();
      const chain = verifyChain(text);
      if (!chain.ok) {
        throw new GantryError(
          'audit_broken',
          `the audit log on ${this.branch} is broken at line ${chain.line} (${chain.reason}); nothing was appended`,
          1,
        );
      }
      const entry = chainEntry(chain.entries.at(-1), draft);
      const blob = await gitOrFail(
        this.repoDir,
        ['hash-object', '-w', '--stdin'],
        `${text}${JSON.stringify(entry)}\n`,
      );
      const tree = await gitOrFail(this.repoDir, ['mktree'], `100644 blob ${blob}\t${AUDIT_FILE}\n`);
      const message = `audit ${entry.seq}: ${entry.event} ${entry.subject.model}${entry.subject.version ? `@${entry.subject.version}` : ''}`;
      const next = await gitOrFail(this.repoDir, [
        'commit-tree',
        tree,
        ...(commit ? ['-p', commit] : []),
        '-m',
        message,
      ]);
      // The old value makes the update atomic: it fails if the branch moved (or appeared) meanwhile.
      const moved = await git(this.repoDir, ['update-ref', this.ref, next, commit ?? '']);
      if (moved.code === 0) return entry;
    }
    throw new GantryError(
      'audit_contended',
      `could not append to ${this.branch} after ${attempts} attempts: too many concurrent writers`,
      1,
    );
  }
}
