import type {
  EnvironmentEntry,
  ModelVersion,
  VersionDraft,
  VersionRecords,
  VersionState,
} from '../../schemas/model-version.js';

/** Who asks for a change, and when (tests and replays pass a fixed time). */
export interface Actor {
  actor: string;
  now?: Date;
}

export interface RecordOutcome {
  version: ModelVersion;
  /** false when the same content was already recorded: nothing changed. */
  created: boolean;
}

export interface PromoteRequest extends Actor {
  model: string;
  version: string;
  environment: string;
  note?: string;
  /** Promote even though the version's recorded gate verdict is not pass; `note` should say why. */
  force?: boolean;
}

export interface RollbackRequest extends Actor {
  model: string;
  environment: string;
  note?: string;
  /**
   * Roll back only while the environment runs this version. Said by automation that rolls back a failed
   * deploy of it: when the job runs again, the environment has moved on and nothing changes twice.
   */
  from?: string;
}

export interface EnvironmentChange {
  /** The entry that moved the environment, or its latest entry when nothing had to move. */
  entry: EnvironmentEntry;
  /** false when the environment already ran the version asked for. */
  changed: boolean;
}

export interface VersionFilter {
  model?: string;
  state?: VersionState;
  /** Only versions current in this environment. */
  environment?: string;
  /** Only versions recorded at this commit (full SHA). */
  gitSha?: string;
}

/** One model's pointer in one environment. */
export interface EnvironmentPointer {
  model: string;
  environment: string;
  version: string;
}

/**
 * The registry of model versions and of what runs in each environment, whatever keeps it: git refs
 * and tags in the model repository (GitRegistry) or GitHub releases and GitOps files. Every backend
 * passes test/registry/registry-contract.ts, which holds it to these rules:
 * - a (model, version) is recorded once: the same content again is a no-op, other content is refused;
 * - only a recorded version can be promoted; a version whose gate verdict is not pass needs `force`;
 * - rollback returns an environment to the version it ran before the current one, following its
 *   recorded history (promotions push onto it, rollbacks pop), never "the newest other version";
 * - every move of an environment is kept in its history, also under concurrent writers.
 */
export interface ModelRegistry {
  record(draft: VersionDraft, by: Actor): Promise<RecordOutcome>;
  get(model: string, version: string): Promise<ModelVersion | undefined>;
  /** The records a version was recorded with, checked against the hashes the version carries. */
  records(model: string, version: string): Promise<VersionRecords>;
  /** Sorted by model, then by semantic version (lowest first). */
  list(filter?: VersionFilter): Promise<ModelVersion[]>;
  /** The highest semantic version of a model, of a state when given. */
  latest(model: string, state?: VersionState): Promise<ModelVersion | undefined>;
  /** The version an environment runs now. */
  current(model: string, environment: string): Promise<ModelVersion | undefined>;
  /** Every model's pointer in every environment (of one model when given). */
  environments(model?: string): Promise<EnvironmentPointer[]>;
  promote(request: PromoteRequest): Promise<EnvironmentChange>;
  rollback(request: RollbackRequest): Promise<EnvironmentChange>;
  /** Every move of the model in the environment, oldest first. */
  history(model: string, environment: string): Promise<EnvironmentEntry[]>;
}
