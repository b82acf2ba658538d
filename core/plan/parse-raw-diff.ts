/** One changed file between two commits. A rename or copy names the file it came from too. */
export interface FileChange {
  /** git's status letter: A added, D deleted, M modified, R renamed, C copied, T type changed. */
  status: string;
  path: string;
  /** The path before a rename or copy. */
  from?: string;
  /** The blob before the change (all zeros when added). */
  oldBlob: string;
  /** The blob after the change (all zeros when deleted). */
  newBlob: string;
}

/**
 * Reads `git diff --raw -z` output: `:MODE MODE OLD NEW STATUS\0PATH\0`, with a second path for
 * renames and copies. NUL-separated, so any file name comes through as it is.
 */
export function parseRawDiff(output: string): FileChange[] {
  const fields = output.split('\0');
  const changes: FileChange[] = [];
  for (let i = 0; i < fields.length; i++) {
    const header = fields[i]!;
    if (!header.startsWith(':')) continue;
    const [, , oldBlob = '', newBlob = '', score = ''] = header.slice(1).split(' ');
    const status = score.charAt(0);
    if (status === 'R' || status === 'C') {
      changes.push({ status, from: fields[i + 1]!, path: fields[i + 2]!, oldBlob, newBlob });
      i += 2;
    } else {
      changes.push({ status, path: fields[i + 1]!, oldBlob, newBlob });
      i += 1;
    }
  }
  return changes;
}

/** Every path a change touches: a rename counts for the path it left and the path it took (a copy's source is untouched). */
export function changedPaths(changes: readonly FileChange[]): string[] {
  return changes.flatMap((c) => (c.status === 'R' && c.from !== undefined ? [c.from, c.path] : [c.path]));
}
