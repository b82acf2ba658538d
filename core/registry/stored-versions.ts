import semver from 'semver';
import { type ModelVersion, StoredVersion, type TargetImage } from '../../schemas/model-version.js';
import { GantryError } from '../errors.js';
import type { EnvironmentPointer, VersionFilter } from './model-registry.js';

/** A version document read back from a backend; `where` names where it was kept (a ref, a release asset). */
export function parseStoredVersion(where: string, text: string): StoredVersion {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    data = undefined;
  }
  const parsed = StoredVersion.safeParse(data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new GantryError(
    'registry_corrupted',
    `${where} is not a Gantry model version (${issue?.path.join('.') || 'the document'}: ${issue?.message}); ` +
      'it was written by another Gantry version or edited by hand',
    1,
  );
}

function bySemver(a: StoredVersion, b: StoredVersion): number {
  return a.model === b.model ? semver.compareBuild(a.version, b.version) : a.model < b.model ? -1 : 1;
}

/** Versions as the registry answers for them: released while some environment points at them. */
export function withState(versions: StoredVersion[], pointers: EnvironmentPointer[]): ModelVersion[] {
  return versions.map((v) => {
    const environments = pointers
      .filter((p) => p.model === v.model && p.version === v.version)
      .map((p) => p.environment)
      .sort();
    return { ...v, state: environments.length > 0 ? 'released' : 'candidate', environments };
  });
}

/** The versions a filter selects, by model, then by semantic version. */
export function selectVersions(
  versions: StoredVersion[],
  pointers: EnvironmentPointer[],
  filter: VersionFilter,
): ModelVersion[] {
  return withState(
    versions
      .filter(
        (v) =>
          (filter.model === undefined || v.model === filter.model) &&
          (filter.gitSha === undefined || v.git_sha === filter.gitSha),
      )
      .sort(bySemver),
    pointers,
  ).filter(
    (v) =>
      (filter.state === undefined || v.state === filter.state) &&
      (filter.environment === undefined || v.environments.includes(filter.environment)),
  );
}

/** The reference a version's image runs by: pinned by digest where it was pushed, else as built. */
export function imageToRun(image: TargetImage): string {
  return image.pinned ?? (image.digest ? `${image.image}@${image.digest}` : image.image);
}
