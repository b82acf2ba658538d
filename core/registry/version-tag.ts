/**
 * A path made of model.yml names (models, versions, environments) as a valid ref name. Such names are
 * valid in refs as they are, except a path component ending in `.lock`, which git reserves: its dot is
 * written `%2E` (no name or version can hold `%`, so it reads back unambiguously).
 */
export function refSafe(path: string): string {
  return path
    .split('/')
    .map((part) => (part.endsWith('.lock') ? `${part.slice(0, -'.lock'.length)}%2Elock` : part))
    .join('/');
}

/** The path refSafe was given. */
export function fromRefSafe(ref: string): string {
  return ref.replaceAll('%2E', '.');
}

/**
 * The tag that names a model version, `MODEL@VERSION` (for example `acme/whisper-small@1.2.0`): one
 * namespace for every model of a monorepo, the same on GitHub and in the local registry.
 */
export function versionTag(model: string, version: string): string {
  return refSafe(`${model}@${version}`);
}

/** The model and version a tag names, or undefined for a tag that is not a version's. */
export function parseVersionTag(tag: string): { model: string; version: string } | undefined {
  const decoded = fromRefSafe(tag);
  const at = decoded.lastIndexOf('@');
  if (at <= 0 || at === decoded.length - 1) return undefined;
  return { model: decoded.slice(0, at), version: decoded.slice(at + 1) };
}
