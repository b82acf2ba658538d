import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

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
      const files = (await readdir(join(base, run))).filter((f) => /^(bench|eval)-.*\.json$/.test(f)).sort();
      if (files.length > 0)
        return {
          dir: join(base, run),
          version: run.split('_').pop()!,
          files: files.map((f) => join(base, run, f)),
        };
    }
    return undefined;
  }
}
