import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { readResults } from '../gate/read-results.js';
import type { HistoryRun } from '../report/report-input.js';

/** The version a run folder (`<started-at>_<version>`) holds. */
export function runFolderVersion(dir: string): string {
  return basename(dir).split('_').pop()!;
}

const RESULTS_FILE = /^(bench|eval)-.*\.json$/;

/** Earlier runs of a model's folder, oldest first, with their results: the trends of a report. */
export async function readRunHistory(
  modelDir: string,
  except: readonly string[] = [],
): Promise<HistoryRun[]> {
  if (!existsSync(modelDir)) return [];
  const history: HistoryRun[] = [];
  for (const run of (await readdir(modelDir)).sort()) {
    const dir = join(modelDir, run);
    if (except.includes(dir)) continue;
    const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => RESULTS_FILE.test(f)).sort();
    if (files.length === 0) continue;
    const results = await Promise.all(files.map((f) => readResults(join(dir, f))));
    history.push({ version: runFolderVersion(dir), results });
  }
  return history;
}

/**
 * Where `gantry pipeline` keeps what each run measured, one folder per run:
 * `<root>/<model>/<started-at>_<version>/` holding bench-*.json, eval-*.json and verdict.json. The run
 * before the current one is the gate's baseline when no registry says otherwise.
 */
export class RunStore {
  constructor(readonly root: string) {}

  private modelDir(model: string): string {
    return join(this.root, model.replaceAll('/', '__'));
  }

  async create(model: string, version: string, startedAt: Date): Promise<string> {
    const dir = join(this.modelDir(model), `${startedAt.toISOString().replace(/[:.]/g, '-')}_${version}`);
    await mkdir(dir, { recursive: true });
    return dir;
  }

  async write(dir: string, name: string, data: unknown): Promise<string> {
    const file = join(dir, name);
    await writeFile(file, `${JSON.stringify(data, null, 2)}\n`);
    return file;
  }

  async writeText(dir: string, name: string, text: string): Promise<string> {
    const file = join(dir, name);
    await writeFile(file, text);
    return file;
  }

  /** Every earlier run of a model, oldest first, leaving out `current`. */
  history(model: string, current: string): Promise<HistoryRun[]> {
    return readRunHistory(this.modelDir(model), [current]);
  }

  /** The newest earlier run that measured something, and its results files. */
  async previous(
    model: string,
    current: string,
  ): Promise<{ dir: string; version: string; files: string[] } | undefined> {
    const base = this.modelDir(model);
    if (!existsSync(base)) return undefined;
    const runs = (await readdir(base))
      .filter((name) => join(base, name) !== current)
      .sort()
      .reverse();
    for (const run of runs) {
      const files = (await readdir(join(base, run))).filter((f) => RESULTS_FILE.test(f)).sort();
      if (files.length > 0)
        return {
          dir: join(base, run),
          version: runFolderVersion(run),
          files: files.map((f) => join(base, run, f)),
        };
    }
    return undefined;
  }
}
