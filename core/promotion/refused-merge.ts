import type { AuditDraft, AuditEntry } from '../../schemas/audit-entry.js';
import type { PromotionStatus } from './promotion-status.js';
import type { ProposedMove } from './proposed-moves.js';

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

/**
 * The `promotion_refused` audit entries a refused merge still needs: one per move, none for a move whose
 * entry for this pull request is already in the log (a redelivered event writes nothing twice).
 */
export function refusedMergeEntries(
  moves: readonly ProposedMove[],
  status: PromotionStatus,
  logged: readonly AuditEntry[],
  merge: { time: string; actor: string; links: AuditDraft['links'] & { pull_request: string } },
): AuditDraft[] {
  return moves.flatMap((move) => {
    const subject = { model: move.model, version: move.version, environment: move.environment };
    const done = logged.some(
      (e) =>
        e.event === 'promotion_refused' &&
        e.links.pull_request === merge.links.pull_request &&
        e.subject.model === subject.model &&
        e.subject.environment === subject.environment &&
        e.subject.version === subject.version,
    );
    if (done) return [];
    return [
      {
        time: merge.time,
        actor: merge.actor,
        event: 'promotion_refused' as const,
        subject,
        before: { version: move.current ?? null },
        after: { reason: status.title },
        links: merge.links,
      },
    ];
  });
}
