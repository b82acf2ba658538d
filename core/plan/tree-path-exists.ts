import { pathAndAncestors } from './repo-path.js';

/**
 * Whether a repository-relative path exists in a tree, given every file of it: a path exists when it is a
 * file or a folder holding one (git keeps no empty folders).
 */
export function treePathExists(files: Iterable<string>): (path: string) => boolean {
  const known = new Set<string>();
  for (const file of files) {
    for (const path of pathAndAncestors(file)) {
      // Ancestors come nearest first: once one is known, all above it are too.
      if (known.has(path)) break;
      known.add(path);
    }
  }
  return (path) => known.has(path);
}
