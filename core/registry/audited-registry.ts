import type { AuditDraft, AuditEntry } from '../../schemas/audit-entry.js';
import type { EnvironmentEntry, VersionDraft, VersionState } from '../../schemas/model-version.js';
import type {
  Actor,
  EnvironmentChange,
  ModelRegistry,
  PromoteRequest,
  RecordOutcome,
  RollbackRequest,
  VersionFilter,
} from './model-registry.js';

/** Where audit entries go: the git audit log here, the Git Data API from the app. */
export interface AuditTrail {
  append(draft: AuditDraft): Promise<unknown>;
  entries(): Promise<AuditEntry[]>;
}

/** The trail an audit log keeps (on a local branch or through the API): its entries are those that verify. */
export function auditTrail(log: {
  append(draft: AuditDraft): Promise<AuditEntry>;
  verify(): Promise<{ entries: AuditEntry[] }>;
}): AuditTrail {
  return {
    append: (draft) => log.append(draft),
    entries: async () => (await log.verify()).entries,
  };
}

function moveDraft(entry: EnvironmentEntry, links: AuditDraft['links']): AuditDraft {
  return {
    time: entry.time,
    actor: entry.actor,
    event: entry.reason === 'promote' ? 'promoted' : 'rollback',
    subject: { model: entry.model, version: entry.to, environment: entry.environment },
    before: { version: entry.from },
    after: { version: entry.to, seq: entry.seq, ...(entry.note ? { note: entry.note } : {}) },
    links,
  };
}

const recordedKey = (model: string, version: string) => `version_recorded ${model}@${version}`;
const moveKey = (model: string, environment: string, seq: unknown) => `move ${model} ${environment} ${seq}`;

function auditKey(entry: AuditEntry): string | undefined {
  const { model, version, environment } = entry.subject;
  if (entry.event === 'version_recorded' && version) return recordedKey(model, version);
  if ((entry.event === 'promoted' || entry.event === 'rollback') && environment)
    return moveKey(model, environment, (entry.after as { seq?: unknown } | undefined)?.seq);
  return undefined;
}

/**
 * A registry whose every change is also an audit entry: a version recorded, promoted, rolled back.
 * Retries converge: what changes nothing (the same version recorded again, a promotion to what
 * already runs) adds an entry only when the change it repeats has none yet, as after a failure
 * between the registry change and its audit entry.
 */
export class AuditedRegistry implements ModelRegistry {
  constructor(
    readonly registry: ModelRegistry,
    private readonly audit: AuditTrail,
    private readonly links: AuditDraft['links'] = {},
  ) {}

  get(model: string, version: string) {
    return this.registry.get(model, version);
  }
  records(model: string, version: string) {
    return this.registry.records(model, version);
  }
  list(filter?: VersionFilter) {
    return this.registry.list(filter);
  }
  latest(model: string, state?: VersionState) {
    return this.registry.latest(model, state);
  }
  current(model: string, environment: string) {
    return this.registry.current(model, environment);
  }
  environments(model?: string) {
    return this.registry.environments(model);
  }
  history(model: string, environment: string) {
    return this.registry.history(model, environment);
  }

  async record(draft: VersionDraft, by: Actor): Promise<RecordOutcome> {
    const outcome = await this.registry.record(draft, by);
    const { version } = outcome;
    if (outcome.created || !(await this.audited(recordedKey(version.model, version.version))))
      await this.audit.append({
        time: version.recorded_at,
        actor: version.recorded_by,
        event: 'version_recorded',
        subject: { model: version.model, version: version.version },
        after: {
          digest: version.digest,
          git_sha: version.git_sha,
          gate: version.gate,
          images: version.images,
        },
        links: { ...(version.lineage.run_url ? { run: version.lineage.run_url } : {}), ...this.links },
      });
    return outcome;
  }

  async promote(request: PromoteRequest): Promise<EnvironmentChange> {
    return this.recordedMove(await this.registry.promote(request));
  }

  async rollback(request: RollbackRequest): Promise<EnvironmentChange> {
    return this.recordedMove(await this.registry.rollback(request));
  }

  /** A move's audit entry: appended when it moved, or when a retry finds the move without its entry. */
  private async recordedMove(change: EnvironmentChange): Promise<EnvironmentChange> {
    const { model, environment, seq } = change.entry;
    if (change.changed || !(await this.audited(moveKey(model, environment, seq))))
      await this.audit.append(moveDraft(change.entry, this.links));
    return change;
  }

  private async audited(key: string): Promise<boolean> {
    return (await this.audit.entries()).some((entry) => auditKey(entry) === key);
  }
}
