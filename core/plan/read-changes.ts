import type { SimpleGit } from 'simple-git';
import { type FileChange, parseRawDiff } from './parse-raw-diff.js';

/** The files that differ between two commits, renames detected (`-M`) and blob ids in full. */
export async function readChanges(git: SimpleGit, base: string, head: string): Promise<FileChange[]> {
  return parseRawDiff(await git.raw(['diff', '--raw', '-z', '-M', '--no-abbrev', base, head, '--']));
}
