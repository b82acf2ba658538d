/**
 * Where images go when nothing else is configured: the local registry of the test environment. An IP,
 * not `localhost`, which may resolve to ::1 first while the registry listens on IPv4 only.
 */
export const DEFAULT_REGISTRY = '127.0.0.1:5000';

export interface ImageCoordinates {
  /** `HOST[:PORT]/PREFIX`, e.g. `ghcr.io/acme` or `127.0.0.1:5000`. */
  registry: string;
  model: string;
  version: string;
  target: string;
}

/** Docker tags allow [A-Za-z0-9_.-], at most 128 characters; semver build metadata uses "+". */
function tagPart(text: string): string {
  return text.replace(/[^A-Za-z0-9_.-]/g, '_');
}

function repository({ registry, model }: Pick<ImageCoordinates, 'registry' | 'model'>): string {
  return `${registry.replace(/\/+$/, '')}/${model}`;
}

/** `REGISTRY/MODEL:VERSION-TARGET`: the image a model version gets for one hardware target. */
export function imageReference(image: ImageCoordinates): string {
  return `${repository(image)}:${tagPart(`${image.version}-${image.target}`).slice(0, 128)}`;
}

/** `REGISTRY/MODEL:sha-<gitsha>-TARGET`: the same image, addressed by the commit it was built from. */
export function commitImageReference(image: Omit<ImageCoordinates, 'version'>, gitSha: string): string {
  return `${repository(image)}:${tagPart(`sha-${gitSha.slice(0, 12)}-${image.target}`)}`;
}
