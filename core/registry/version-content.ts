import { createHash } from 'node:crypto';
import type { z } from 'zod';
import {
  MODEL_VERSION_SCHEMA,
  type RecordKind,
  type RecordRef,
  type StoredVersion,
  type TargetImage,
  VersionDraft,
  VersionRecords,
} from '../../schemas/model-version.js';
import { canonicalJson } from '../audit/hash-chain.js';
import { GantryError } from '../errors.js';
import type { Actor } from './model-registry.js';

export interface VersionFile {
  ref: RecordRef;
  text: string;
}

export interface PreparedVersion {
  stored: StoredVersion;
  /** The records as the files every backend keeps (git blobs, release assets), named by `ref.name`. */
  files: VersionFile[];
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A file name for a record, unique among the version's; benchmark runs are numbered as the pipeline numbers them. */
function fileName(kind: string, label: string, taken: Set<string>, numbered = false): string {
  const base = `${kind}-${label.toLowerCase().replace(/[^a-z0-9._-]+/g, '-')}`;
  let n = numbered ? 1 : 0;
  const name = () => (n === 0 ? `${base}.json` : `${base}-${n}.json`);
  while (taken.has(name())) n = n === 0 ? 2 : n + 1;
  taken.add(name());
  return name();
}

function recordFiles(records: VersionRecords): VersionFile[] {
  const taken = new Set<string>();
  const entries: [RecordKind, string, string][] = [];
  if (records.manifest !== undefined) entries.push(['manifest', 'model.yml', records.manifest]);
  for (const build of records.build)
    entries.push(['build', fileName('build', build.target, taken), canonicalJson(build)]);
  for (const bench of records.bench)
    entries.push([
      'bench',
      fileName('bench', bench.profile_name ?? bench.kind, taken, true),
      canonicalJson(bench),
    ]);
  for (const evaluation of records.eval)
    entries.push([
      'eval',
      fileName('eval', evaluation.suite ?? evaluation.evaluator.name, taken),
      canonicalJson(evaluation),
    ]);
  if (records.gate) entries.push(['gate', 'gate.json', canonicalJson(records.gate)]);
  return entries.map(([kind, name, body]) => {
    const text = kind === 'manifest' ? body : `${body}\n`;
    return { ref: { kind, name, sha256: sha256(text), bytes: Buffer.byteLength(text) }, text };
  });
}

function parseDraft(draft: VersionDraft): z.output<typeof VersionDraft> {
  const parsed = VersionDraft.safeParse(draft);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new GantryError(
    'bad_version',
    `cannot record this version: ${issue.path.join('.') || 'the version'} ${issue.message}`,
    2,
  );
}

/** A build for another model or version must not end up among this version's records. */
function checkRecordsBelong(draft: z.output<typeof VersionDraft>): void {
  const name = `${draft.model}@${draft.version}`;
  for (const build of draft.records.build)
    if (build.model !== draft.model || build.version !== draft.version)
      throw new GantryError(
        'records_mismatch',
        `the build record of ${build.model}@${build.version} (${build.target}) cannot be recorded as ${name}`,
        2,
      );
  for (const evaluation of draft.records.eval)
    if (
      evaluation.model &&
      (evaluation.model.name !== draft.model || evaluation.model.version !== draft.version)
    )
      throw new GantryError(
        'records_mismatch',
        `the evaluation of ${evaluation.model.name}@${evaluation.model.version} cannot be recorded as ${name}`,
        2,
      );
}

function imagesOf(records: VersionRecords): Record<string, TargetImage> {
  return Object.fromEntries(
    records.build.map((b) => [
      b.target,
      {
        image: b.image,
        ...(b.digest ? { digest: b.digest } : {}),
        ...(b.pinned ? { pinned: b.pinned } : {}),
      },
    ]),
  );
}

/**
 * What every backend stores for a draft: the version document and its record files. The digest covers
 * everything but who recorded it and when, so a repeated recording can be told from a conflicting one.
 */
export function prepareVersion(input: VersionDraft, by: Actor): PreparedVersion {
  const draft = parseDraft(input);
  checkRecordsBelong(draft);
  const files = recordFiles(draft.records);
  const content = {
    schema_version: MODEL_VERSION_SCHEMA,
    model: draft.model,
    version: draft.version,
    git_sha: draft.git_sha,
    images: draft.images ?? imagesOf(draft.records),
    gate: draft.records.gate
      ? {
          verdict: draft.records.gate.verdict,
          ...(draft.gated_against ? { against: draft.gated_against } : {}),
        }
      : null,
    records: files.map((f) => f.ref),
    metadata: draft.metadata,
    lineage: draft.lineage,
  } as const;
  return {
    stored: {
      ...content,
      digest: sha256(canonicalJson(content)),
      recorded_at: (by.now ?? new Date()).toISOString(),
      recorded_by: by.actor,
    },
    files,
  };
}

/** Refuses a second, different recording of a version that is already recorded. */
export function checkSameVersion(existing: StoredVersion, prepared: StoredVersion): void {
  if (existing.digest === prepared.digest) return;
  const fields = (['git_sha', 'images', 'gate', 'records', 'metadata', 'lineage'] as const).filter(
    (k) => canonicalJson(existing[k]) !== canonicalJson(prepared[k]),
  );
  throw new GantryError(
    'version_exists',
    `${existing.model}@${existing.version} is already recorded (by ${existing.recorded_by} at ${existing.recorded_at}) ` +
      `with different ${fields.join(', ') || 'content'}: a version is recorded once; bump the version in model.yml`,
    1,
  );
}

/** A version's records read back from its files, each checked against the hash the version carries. */
export async function readVersionRecords(
  version: StoredVersion,
  read: (ref: RecordRef) => Promise<string>,
): Promise<VersionRecords> {
  const records: VersionRecords = { build: [], bench: [], eval: [] };
  for (const ref of version.records) {
    const text = await read(ref);
    if (sha256(text) !== ref.sha256)
      throw new GantryError(
        'record_corrupted',
        `${ref.name} of ${version.model}@${version.version} does not match the hash recorded with the version`,
        1,
      );
    if (ref.kind === 'manifest') records.manifest = text;
    else if (ref.kind === 'gate') records.gate = JSON.parse(text);
    else records[ref.kind].push(JSON.parse(text));
  }
  return VersionRecords.parse(records);
}
