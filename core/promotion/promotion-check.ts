import type { PromotionStatus } from './promotion-status.js';

export const PROMOTION_CHECK_NAME = 'gantry/promotion';

/** The `gantry/promotion` check run as GitHub takes it: waiting is in progress, a decision is completed. */
export interface PromotionCheckContent {
  status: 'in_progress' | 'completed';
  conclusion?: 'success' | 'failure';
  title: string;
  summary: string;
}

const STATE_MARK = { met: '✅ met', waiting: '⏳ waiting', failed: '❌ failed' } as const;

/** Table cells stay one cell: pipes escaped, line breaks flattened. */
const cell = (text: string) => text.replaceAll('|', '\\|').replace(/\r?\n/g, ' ');

/** GitHub cuts a check run title past this length. */
const TITLE_LENGTH = 255;

/** The check run that shows a promotion's status: its title the decision, its summary every requirement. */
export function promotionCheck(status: PromotionStatus): PromotionCheckContent {
  const rows = status.requirements.map(
    (r) => `| ${cell(r.change)} | ${r.requirement} | ${STATE_MARK[r.state]} | ${cell(r.detail)} |`,
  );
  const lead = {
    success: 'Every change has a passing gate and its approvals: merging this pull request promotes.',
    pending:
      'Waiting for approval by an authorised reviewer (an owner of the model or a code owner of the environment file, with write access, not the author) on the latest commit.',
    failure: 'Blocked: merging would promote something that is not cleared. See the failed requirements.',
  }[status.conclusion];
  const summary = [
    lead,
    '',
    ...(rows.length
      ? ['| change | requirement | state | detail |', '| --- | --- | --- | --- |', ...rows]
      : []),
  ].join('\n');
  const title =
    status.title.length > TITLE_LENGTH ? `${status.title.slice(0, TITLE_LENGTH - 1)}…` : status.title;
  return status.conclusion === 'pending'
    ? { status: 'in_progress', title, summary }
    : { status: 'completed', conclusion: status.conclusion, title, summary };
}

/** The newest `gantry/promotion` run already on the head commit, as the checks API lists it. */
export interface LatestPromotionCheck {
  id: number;
  status: string;
  conclusion: string | null;
  output: { title: string | null; summary: string | null };
}

/**
 * How to write the one `gantry/promotion` run of a head commit: nothing when the newest run says the same
 * already; update it; or, since a completed run cannot go back to waiting on GitHub (an approval withdrawn
 * on the same commit), create a new one.
 */
export function promotionCheckWrite(
  latest: LatestPromotionCheck | undefined,
  content: PromotionCheckContent,
): { kind: 'skip' } | { kind: 'update'; id: number } | { kind: 'create' } {
  if (
    latest &&
    latest.status === content.status &&
    (latest.conclusion ?? undefined) === content.conclusion &&
    latest.output.title === content.title &&
    latest.output.summary === content.summary
  )
    return { kind: 'skip' };
  if (latest && (latest.status !== 'completed' || content.status === 'completed'))
    return { kind: 'update', id: latest.id };
  return { kind: 'create' };
}
