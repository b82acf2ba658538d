import type { Verdict } from '../../schemas/gate-verdict.js';
import type { PermissionLookup } from '../commands/authorize-command.js';

/** One environment change a promotion pull request proposes. */
export interface ProposedChange {
  model: string;
  environment: string;
  kind: 'promote' | 'rollback';
  version: string;
  /** The version the environment runs now (what the candidate must have been gated against). */
  current?: string;
  /** Approvals the environment needs (model.yml `environments.<env>.approvals`). */
  approvals: number;
  /** Users and teams (`org/team`) allowed to approve: the model's owners and the file's code owners. */
  approvers: string[];
  /** The candidate's recorded gate: undefined when the version is not in the registry. */
  gate?: { verdict: Verdict | null; against?: string };
}

export interface Review {
  user: string;
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING';
  commit_id: string;
  submitted_at?: string;
}

export interface PromotionFacts {
  author: string;
  head_sha: string;
  changes: ProposedChange[];
  reviews: Review[];
  /** Each reviewer's access as the collaborator-permission endpoint answered it. */
  permissions: Record<string, PermissionLookup>;
  /** Teams (`org/team`) each reviewer belongs to, as the teams endpoint answered. */
  teams: Record<string, string[]>;
}

export type RequirementState = 'met' | 'waiting' | 'failed';

export interface PromotionStatus {
  /** success: promote on merge; pending: waiting for approvals; failure: blocked until something changes. */
  conclusion: 'success' | 'pending' | 'failure';
  title: string;
  requirements: { change: string; requirement: string; state: RequirementState; detail: string }[];
}

const WRITE_OR_ABOVE = new Set(['write', 'maintain', 'admin']);

/** Each reviewer's standing review: their latest approval, change request or dismissal; comments don't count. */
function standingReviews(reviews: Review[]): Map<string, Review> {
  const standing = new Map<string, Review>();
  for (const review of reviews) {
    if (review.state === 'COMMENTED' || review.state === 'PENDING') continue;
    standing.set(review.user.toLowerCase(), review);
  }
  return standing;
}

/** Whether a reviewer may approve this change: named (or in a named team), with write access or more. */
function authorised(user: string, change: ProposedChange, facts: PromotionFacts): string | undefined {
  const login = user.toLowerCase();
  const named = change.approvers.map((a) => a.replace(/^@/, '').toLowerCase());
  const teams = (facts.teams[user] ?? []).map((t) => t.toLowerCase());
  if (!named.includes(login) && !teams.some((t) => named.includes(t)))
    return `${user} is not an owner of ${change.model} nor a code owner of its environment file`;
  const lookup = facts.permissions[user];
  if (!lookup || 'error' in lookup)
    return `${user}'s permission could not be checked${lookup && 'error' in lookup ? ` (${lookup.error})` : ''}`;
  if (!WRITE_OR_ABOVE.has(lookup.role_name) && !WRITE_OR_ABOVE.has(lookup.permission))
    return `${user} has ${lookup.role_name} access, and approving needs write`;
  return undefined;
}

/**
 * CODEOWNERS may name an owner by e-mail; GitHub's API does not say whose address it is, so such an owner
 * can approve nothing here, and the check says so rather than wait for them in silence.
 */
function emailOwnersNote(approvers: readonly string[]): string {
  const emails = approvers.filter((a) => !a.startsWith('@') && a.includes('@'));
  return emails.length
    ? `; ${emails.join(', ')}: an e-mail address cannot be matched to a reviewer through GitHub's API, name the owner as @login in CODEOWNERS`
    : '';
}

/**
 * The `gantry/promotion` check of a promotion pull request. Every proposed change needs (1) a gate
 * verdict of pass against the version the environment runs now (a rollback returns to a version that
 * ran there, so it needs none) and (2) the environment's number of approvals on the current head commit
 * by authorised reviewers — owners or code owners with write access, never the author. Approvals of an
 * earlier commit, withdrawn or dismissed approvals, and anyone whose access cannot be checked do not count;
 * a change request by an authorised reviewer blocks.
 */
export function promotionStatus(facts: PromotionFacts): PromotionStatus {
  const requirements: PromotionStatus['requirements'] = [];
  const standing = standingReviews(facts.reviews);
  for (const change of facts.changes) {
    const name = `${change.model} ${change.kind === 'promote' ? `${change.version} → ${change.environment}` : `rollback in ${change.environment} to ${change.version}`}`;
    if (change.kind === 'promote') {
      const gate = change.gate;
      if (!gate)
        requirements.push({
          change: name,
          requirement: 'gate',
          state: 'failed',
          detail: `${change.model}@${change.version} is not recorded in the registry`,
        });
      else if (gate.verdict !== 'pass')
        requirements.push({
          change: name,
          requirement: 'gate',
          state: 'failed',
          detail:
            gate.verdict === null ? 'the version was never gated' : `its gate verdict is ${gate.verdict}`,
        });
      else if (change.current && gate.against !== change.current)
        requirements.push({
          change: name,
          requirement: 'gate',
          state: 'failed',
          detail: `it was gated against ${gate.against ?? 'nothing'}, but ${change.environment} runs ${change.current}: gate it against ${change.current} first (/gate rerun)`,
        });
      else
        requirements.push({
          change: name,
          requirement: 'gate',
          state: 'met',
          detail: change.current ? `pass against ${change.current}` : 'pass',
        });
    }
    const approvers: string[] = [];
    const refused: string[] = [];
    let blockedBy: string | undefined;
    for (const [, review] of standing) {
      const user = review.user;
      if (user.toLowerCase() === facts.author.toLowerCase()) {
        if (review.state === 'APPROVED') refused.push(`${user} wrote the pull request`);
        continue;
      }
      const why = authorised(user, change, facts);
      if (review.state === 'CHANGES_REQUESTED' && !why) blockedBy = user;
      if (review.state !== 'APPROVED') continue;
      if (why) refused.push(why);
      else if (review.commit_id !== facts.head_sha) refused.push(`${user} approved an earlier commit`);
      else approvers.push(user);
    }
    const note = refused.length > 0 ? `; not counted: ${refused.join('; ')}` : '';
    if (blockedBy)
      requirements.push({
        change: name,
        requirement: 'approval',
        state: 'failed',
        detail: `${blockedBy} requested changes${note}`,
      });
    else if (approvers.length >= change.approvals)
      requirements.push({
        change: name,
        requirement: 'approval',
        state: 'met',
        detail: `${approvers.length} of ${change.approvals} (${approvers.join(', ') || 'none needed'})${note}`,
      });
    else
      requirements.push({
        change: name,
        requirement: 'approval',
        state: 'waiting',
        detail: `${approvers.length} of ${change.approvals} approvals by ${change.approvers.join(', ') || 'no one (model.yml names no owners)'}${note}${emailOwnersNote(change.approvers)}`,
      });
  }
  const failed = requirements.filter((r) => r.state === 'failed');
  const waiting = requirements.filter((r) => r.state === 'waiting');
  if (facts.changes.length === 0)
    return { conclusion: 'failure', title: 'no environment change found in this pull request', requirements };
  if (failed.length > 0)
    return {
      conclusion: 'failure',
      title: `blocked: ${failed.map((r) => `${r.requirement} (${r.change})`).join(', ')}`,
      requirements,
    };
  if (waiting.length > 0)
    return {
      conclusion: 'pending',
      title: `waiting for approval: ${waiting.map((r) => r.change).join(', ')}`,
      requirements,
    };
  return { conclusion: 'success', title: 'gate passed and approved: merging promotes', requirements };
}
