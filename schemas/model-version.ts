import { z } from 'zod';
import { BenchResults } from './bench-results.js';
import { BuildRecord } from './build-record.js';
import { EvalResults } from './eval-results.js';
import { GateVerdict, VERDICTS } from './gate-verdict.js';
import { ModelManifest } from './model-manifest.js';

export const MODEL_VERSION_SCHEMA = 1;

const sha256 = z.string().regex(/^[a-f0-9]{64}$/);
const gitSha = z
  .string()
  .regex(/^[a-f0-9]{40}(?:[a-f0-9]{24})?$/, 'must be a full git commit id (40 hex digits)');
const modelName = ModelManifest.shape.name;
const semverVersion = ModelManifest.shape.version;
/** As model.yml names environments: safe as a ref component and a file name as it is. */
export const EnvironmentName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'an environment name is lower case letters, digits, "-" or "_"')
  .max(63);

export const RECORD_KINDS = ['manifest', 'build', 'bench', 'eval', 'gate'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

/** What a version was measured and built with: the pipeline's records, in full. */
export const VersionRecords = z.object({
  manifest: z.string().optional().meta({ description: 'The text of model.yml at this version.' }),
  build: z.array(BuildRecord).default([]),
  bench: z.array(BenchResults).default([]),
  eval: z.array(EvalResults).default([]),
  gate: GateVerdict.optional(),
});
export type VersionRecords = z.output<typeof VersionRecords>;

/** One stored record of a version: a file whose content hash the version carries. */
export const RecordRef = z.object({
  kind: z.enum(RECORD_KINDS),
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]*$/)
    .meta({ description: 'File name among the version’s records (a release asset name on GitHub).' }),
  sha256,
  bytes: z.number().int().min(0),
});
export type RecordRef = z.output<typeof RecordRef>;

export const TargetImage = z.object({
  image: z.string(),
  digest: z
    .string()
    .regex(/^sha256:[a-f0-9]{64}$/)
    .optional(),
  pinned: z.string().optional().meta({ description: 'REGISTRY/MODEL@sha256:…, when the image was pushed.' }),
});
export type TargetImage = z.output<typeof TargetImage>;

export const Lineage = z.object({
  ref: z.string().optional().meta({ description: 'Branch or tag the commit was built from.' }),
  run_id: z.string().optional().meta({ description: 'Workflow run id (or a local run’s folder).' }),
  run_url: z.string().optional(),
});

/** What a caller asks the registry to record; the registry adds the hashes, digest and who/when. */
export const VersionDraft = z.object({
  model: modelName,
  version: semverVersion,
  git_sha: gitSha,
  images: z
    .record(z.string(), TargetImage)
    .optional()
    .meta({ description: 'Per hardware target; taken from the build records when left out.' }),
  gated_against: semverVersion
    .optional()
    .meta({ description: 'The version the gate verdict compared this one with.' }),
  metadata: z.record(z.string(), z.unknown()).default({}),
  lineage: Lineage.default({}),
  records: VersionRecords,
});
export type VersionDraft = z.input<typeof VersionDraft>;

/**
 * A recorded model version as a registry stores it. `digest` is the SHA-256 of everything but who
 * recorded it and when: recording the same content again changes nothing, different content under
 * the same version is refused.
 */
export const StoredVersion = z.object({
  schema_version: z.literal(MODEL_VERSION_SCHEMA),
  model: modelName,
  version: semverVersion,
  git_sha: gitSha,
  images: z.record(z.string(), TargetImage),
  gate: z
    .object({ verdict: z.enum(VERDICTS), against: z.string().optional() })
    .nullable()
    .meta({ description: 'The gate verdict recorded with the version; null when it was not gated.' }),
  records: z.array(RecordRef),
  metadata: z.record(z.string(), z.unknown()),
  lineage: Lineage,
  digest: sha256,
  recorded_at: z.iso.datetime(),
  recorded_by: z.string().min(1),
});
export type StoredVersion = z.output<typeof StoredVersion>;

export const VERSION_STATES = ['candidate', 'released'] as const;
export type VersionState = (typeof VERSION_STATES)[number];

/** A version as the registry answers for it: what was stored, plus where it runs now. */
export const ModelVersion = StoredVersion.extend({
  state: z
    .enum(VERSION_STATES)
    .meta({ description: 'released while some environment points at it, candidate otherwise.' }),
  environments: z.array(z.string()).meta({ description: 'Environments whose current version it is.' }),
}).meta({ title: 'Gantry model version' });
export type ModelVersion = z.output<typeof ModelVersion>;

export const ENVIRONMENT_CHANGES = ['promote', 'rollback'] as const;

/** One move of an environment's pointer for a model; the environment's history is these, in order. */
export const EnvironmentEntry = z
  .object({
    seq: z.number().int().min(1),
    model: modelName,
    environment: EnvironmentName,
    from: z.string().nullable().meta({ description: 'The version it replaced; null for the first.' }),
    to: z.string(),
    reason: z.enum(ENVIRONMENT_CHANGES),
    actor: z.string().min(1),
    time: z.iso.datetime(),
    note: z.string().optional(),
  })
  .meta({ title: 'Gantry environment history entry' });
export type EnvironmentEntry = z.output<typeof EnvironmentEntry>;
