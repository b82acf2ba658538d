import type { PromotionStatus } from './promotion-status.js';

/** Marks the app's comment on a merged pull request whose promotion it did not record. */
export const REFUSED_MERGE_MARKER = '<!-- gantry-promotion-refused -->';

/**
 * What the app says on a promotion pull request merged without being cleared (an administrator merged
 * past a failing or waiting `gantry/promotion`): nothing was recorded or deployed, why, and what to do.
 */
export function refusedMergeComment(status: PromotionStatus, branch: string): string {
  const open = status.requirements.filter((r) => r.state !== 'met');
  return [
    REFUSED_MERGE_MARKER,
    `**Gantry did not record this promotion**: ${status.title}.`,
    '',
    ...open.map((r) => `- ${r.change}: ${r.requirement} — ${r.detail}`),
    '',
    `The environment file on \`${branch}\` now names a version that was not cleared, and no deployment was made. ` +
      'Revert this merge (the revert is a rollback pull request that needs only approval), or clear what is missing and promote again.',
  ].join('\n');
}
