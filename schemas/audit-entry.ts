import { z } from 'zod';

export const AUDIT_EVENTS = [
  'version_recorded',
  'gate_verdict',
  'promotion_requested',
  'promotion_approved',
  'promotion_merged',
  'promotion_refused',
  'promoted',
  'deployment_status',
  'rollback',
  'permission_refused',
] as const;

const sha256 = z.string().regex(/^[a-f0-9]{64}$/);

/** What an entry says happened, before it is chained. */
export const AuditDraft = z.object({
  time: z.iso.datetime(),
  actor: z.string().min(1).meta({ description: 'GitHub login, app or CLI user that caused it.' }),
  event: z.enum(AUDIT_EVENTS),
  subject: z.object({
    model: z.string(),
    version: z.string().optional(),
    environment: z.string().optional(),
  }),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
  links: z
    .object({
      pull_request: z.string().optional(),
      run: z.string().optional(),
      release: z.string().optional(),
      delivery: z.string().optional(),
    })
    .default({}),
});
export type AuditDraft = z.input<typeof AuditDraft>;

/**
 * One line of the append-only audit log. `prev` is the hash of the entry before (64 zeros for the
 * first), `hash` the SHA-256 of this entry's canonical JSON without `hash`: editing, removing or
 * reordering any entry breaks the chain from there on.
 */
export const AuditEntry = AuditDraft.extend({
  seq: z.number().int().min(1),
  prev: sha256,
  hash: sha256,
}).meta({ title: 'Gantry audit entry' });
export type AuditEntry = z.output<typeof AuditEntry>;
