import type { SimpleGit } from 'simple-git';

export interface TreeFile {
  path: string;
  blob: string;
}

/** Every file of a commit's tree, with its blob id (NUL-separated output, so any name comes through). */
export async function readTree(git: SimpleGit, commit: string): Promise<TreeFile[]> {
  const output = await git.raw(['ls-tree', '-r', '-z', '--full-tree', commit]);
  const files: TreeFile[] = [];
  for (const record of output.split('\0')) {
    // `MODE TYPE BLOB\tPATH`
    const tab = record.indexOf('\t');
    if (tab < 0) continue;
    const [, type, blob] = record.slice(0, tab).split(' ');
    if (type === 'blob' && blob !== undefined) files.push({ path: record.slice(tab + 1), blob });
  }
  return files;
}
