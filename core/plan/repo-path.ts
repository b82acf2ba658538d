import { posix } from 'node:path';

/**
 * A path relative to the repository root, from a path relative to a folder of it: `''` is the root, and
 * there is never a trailing slash, so paths compare as plain strings. Escaping the root gives `../…`.
 */
export function repoPath(folder: string, relative: string): string {
  const joined = posix.normalize(posix.join(folder, relative)).replace(/\/+$/, '');
  return joined === '.' ? '' : joined;
}

/** The folder holding a repository-relative file (`''` for the root). */
export function folderOf(file: string): string {
  return repoPath(posix.dirname(file), '.');
}

/** The path itself and every folder above it, the root (`''`) last: `a/b/c` → `a/b/c`, `a/b`, `a`, `''`. */
export function pathAndAncestors(path: string): string[] {
  const found = [path];
  for (let slash = path.lastIndexOf('/'); slash > 0; slash = path.lastIndexOf('/', slash - 1)) {
    found.push(path.slice(0, slash));
  }
  if (path !== '') found.push('');
  return found;
}

/** How a folder is shown and handed to later commands: `.` for the root. */
export function displayFolder(folder: string): string {
  return folder === '' ? '.' : folder;
}
