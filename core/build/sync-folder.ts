import { createHash } from 'node:crypto';
import { cp, mkdir, readdir, readFile, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';

/** A file of a folder, by its path inside the folder, with what tells whether it changed. */
export interface FileState {
  path: string;
  size: number;
  mtimeMs: number;
}

/** What a folder should hold: files copied from elsewhere, and files Gantry writes. */
export interface FolderWanted {
  copies: Map<string, string>;
  texts: Map<string, string>;
  /** Folders that must exist even when empty (a template COPYs them whatever they hold). */
  folders: string[];
}

/**
 * Which files to copy and which to delete so the folder holds what is wanted. A file whose size and
 * modification time match its source is left alone, as rsync does: copies keep the source's times.
 */
export function syncActions(
  wanted: readonly FileState[],
  present: readonly FileState[],
): { copy: string[]; remove: string[] } {
  const there = new Map(present.map((f) => [f.path, f]));
  const keep = new Set(wanted.map((f) => f.path));
  const copy = wanted
    .filter((f) => {
      const old = there.get(f.path);
      // Copied times come back to within a millisecond (they pass through seconds as a float).
      return old === undefined || old.size !== f.size || Math.abs(old.mtimeMs - f.mtimeMs) >= 1;
    })
    .map((f) => f.path);
  const remove = present.filter((f) => !keep.has(f.path)).map((f) => f.path);
  return { copy, remove };
}

/** Every file under a folder (symbolic links followed), with its state; empty when there is no folder. */
export async function folderFiles(
  root: string,
  skip: (path: string) => boolean = () => false,
): Promise<FileState[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  const files: FileState[] = [];
  for (const entry of entries) {
    const full = join(entry.parentPath, entry.name);
    const path = relative(root, full);
    if (skip(path)) continue;
    const info = await stat(full).catch(() => undefined);
    if (info?.isFile()) files.push({ path, size: info.size, mtimeMs: info.mtimeMs });
  }
  return files;
}

/**
 * Makes `dir` hold exactly what is wanted, touching only what changed: an unchanged file keeps its
 * modification time, so the engine's context transfer and layer cache see it as unchanged. Returns a
 * fingerprint of what the folder now holds (by the same size-and-time rule for copies, by content for
 * texts): equal fingerprints, equal folders.
 */
export async function syncFolder(dir: string, wanted: FolderWanted): Promise<string> {
  const sources = await Promise.all(
    [...wanted.copies].map(async ([path, source]) => {
      const info = await stat(source);
      return { path, size: info.size, mtimeMs: info.mtimeMs, mode: info.mode };
    }),
  );
  const fingerprint = createHash('sha256');
  for (const f of [...sources].sort((a, b) => (a.path < b.path ? -1 : 1)))
    fingerprint.update(`file\0${f.path}\0${f.size}\0${f.mtimeMs}\0${f.mode}\n`);
  for (const [path, text] of [...wanted.texts].sort(([a], [b]) => (a < b ? -1 : 1)))
    fingerprint.update(`text\0${path}\0${Buffer.byteLength(text)}\n`).update(text);
  for (const folder of [...wanted.folders].sort()) fingerprint.update(`folder\0${folder}\n`);
  const { copy, remove } = syncActions(sources, await folderFiles(dir));
  const removed = remove.filter((path) => !wanted.texts.has(path));
  await Promise.all(removed.map((path) => rm(join(dir, path))));
  await removeEmptyFolders(dir, removed);
  for (const folder of wanted.folders) await mkdir(join(dir, folder), { recursive: true });
  for (const path of copy) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await cp(wanted.copies.get(path)!, join(dir, path), { preserveTimestamps: true, dereference: true });
  }
  for (const [path, text] of wanted.texts) {
    const file = join(dir, path);
    if ((await readFile(file, 'utf8').catch(() => undefined)) === text) continue;
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, text);
  }
  return fingerprint.digest('hex');
}

/** Folders the removals left empty, deepest first: a template's COPY would carry them into the image. */
async function removeEmptyFolders(dir: string, removed: readonly string[]): Promise<void> {
  const folders = new Set<string>();
  for (const path of removed) {
    for (let folder = dirname(path); folder !== '.'; folder = dirname(folder)) folders.add(folder);
  }
  const deepestFirst = [...folders].sort((a, b) => b.split(sep).length - a.split(sep).length);
  // rmdir refuses a folder that still holds something, which is the check wanted here.
  for (const folder of deepestFirst) await rmdir(join(dir, folder)).catch(() => undefined);
}
