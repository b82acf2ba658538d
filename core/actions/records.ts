import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { Results } from '../../schemas/results.js';
import { GantryError } from '../errors.js';
import { readResults } from '../gate/read-results.js';

/**
 * The folder every action leaves its records in (plan, build record, deployment, results, verdict,
 * report), for one `actions/upload-artifact` step named `gantry-results` that the app downloads.
 */
export const RESULTS_DIR = 'gantry-results';

/** The results folder a step was given (default: RESULTS_DIR), as an absolute path. */
export function resultsDirOf(resultsDir: string | undefined, cwd: string): string {
  return resolve(cwd, resultsDir ?? RESULTS_DIR);
}

/** Writes one record as pretty JSON into the results folder; returns its path. */
export async function writeRecord(dir: string, name: string, record: unknown): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, name);
  await writeFile(file, `${JSON.stringify(record, null, 2)}\n`);
  return file;
}

async function jsonFilesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.json'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/**
 * The benchmark and evaluation results named by a list of paths: a file must be a results file; a
 * folder gives every results file under it (other records there, a verdict or a build record, are
 * passed over). A path that does not exist is an error; `optional` lets a missing folder mean none.
 */
export async function collectResults(
  paths: readonly string[],
  cwd: string,
  options: { optional?: boolean } = {},
): Promise<{ files: string[]; results: Results[] }> {
  const files: string[] = [];
  const results: Results[] = [];
  for (const path of paths) {
    const full = resolve(cwd, path);
    const info = await stat(full).catch(() => undefined);
    if (!info) {
      if (options.optional) continue;
      throw new GantryError('results_missing', `${path}: no such file or folder of results`);
    }
    if (info.isFile()) {
      results.push(await readResults(full, path));
      files.push(full);
      continue;
    }
    for (const file of await jsonFilesUnder(full)) {
      // Not a results file (another record, or no JSON at all): readResults refuses it, and it is passed over.
      const read = await readResults(file, relative(cwd, file)).catch(() => undefined);
      if (!read) continue;
      results.push(read);
      files.push(file);
    }
  }
  return { files, results };
}

/**
 * The candidate's results (default: every results file in the results folder) and the baseline's
 * (none when its folder is missing: nothing to judge against yet), as the gate and report steps read them.
 */
export async function collectSides(
  sides: { candidate: readonly string[]; baseline: readonly string[] },
  dir: string,
  cwd: string,
) {
  return {
    candidate: await collectResults(sides.candidate.length ? sides.candidate : [dir], cwd),
    baseline: await collectResults(sides.baseline, cwd, { optional: true }),
  };
}
