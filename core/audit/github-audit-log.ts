import type { AuditDraft, AuditEntry } from '../../schemas/audit-entry.js';
import { type GitHubClient, httpStatus, rawText, unlessNotFound } from '../github-client.js';
import { AUDIT_BRANCH, AUDIT_FILE, appendEntry, auditContended } from './append-entry.js';
import { type ChainVerdict, verifyChain } from './hash-chain.js';

export interface GitHubAuditLogOptions {
  octokit: GitHubClient;
  owner: string;
  repo: string;
  branch?: string;
}

/**
 * The audit log kept in a GitHub repository through the Git Data API: the same `audit.jsonl` on the
 * same branch as the local log, so a clone verifies what the API wrote and the other way round. An
 * append makes a commit on top of the branch and moves the branch without force: if another writer
 * moved it meanwhile, GitHub refuses (not a fast forward) and the entry is chained again on theirs.
 */
export class GitHubAuditLog {
  private readonly octokit: GitHubClient;
  private readonly repository: { owner: string; repo: string };
  readonly branch: string;

  constructor(options: GitHubAuditLogOptions) {
    this.octokit = options.octokit;
    this.repository = { owner: options.owner, repo: options.repo };
    this.branch = options.branch ?? AUDIT_BRANCH;
  }

  private async head(): Promise<string | undefined> {
    const ref = await unlessNotFound(
      this.octokit.rest.git.getRef({ ...this.repository, ref: `heads/${this.branch}` }),
    );
    return ref?.data.object.sha;
  }

  private async textAt(commit: string | undefined): Promise<string> {
    if (!commit) return '';
    // The raw media type serves files up to 100 MB (the JSON one stops at 1 MB).
    const { data } = await this.octokit.rest.repos.getContent({
      ...this.repository,
      path: AUDIT_FILE,
      ref: commit,
      mediaType: { format: 'raw' },
    });
    return rawText(data);
  }

  async read(): Promise<{ text: string; commit?: string }> {
    const commit = await this.head();
    return { text: await this.textAt(commit), commit };
  }

  async verify(anchor?: string): Promise<ChainVerdict> {
    return verifyChain((await this.read()).text, anchor);
  }

  async append(draft: AuditDraft, attempts = 20): Promise<AuditEntry> {
    for (let attempt = 0; attempt < attempts; attempt++) {
      const { text, commit } = await this.read();
      const { entry, log, message } = appendEntry(text, draft, this.branch);
      const { data: tree } = await this.octokit.rest.git.createTree({
        ...this.repository,
        tree: [{ path: AUDIT_FILE, mode: '100644', type: 'blob', content: log }],
      });
      const { data: next } = await this.octokit.rest.git.createCommit({
        ...this.repository,
        message,
        tree: tree.sha,
        parents: commit ? [commit] : [],
      });
      try {
        if (commit)
          await this.octokit.rest.git.updateRef({
            ...this.repository,
            ref: `heads/${this.branch}`,
            sha: next.sha,
            force: false,
          });
        else
          await this.octokit.rest.git.createRef({
            ...this.repository,
            ref: `refs/heads/${this.branch}`,
            sha: next.sha,
          });
        return entry;
      } catch (error) {
        // 422: the branch moved (not a fast forward) or was created meanwhile; chain on top of it.
        if (httpStatus(error) !== 422) throw error;
      }
    }
    throw auditContended(this.branch, attempts);
  }
}
