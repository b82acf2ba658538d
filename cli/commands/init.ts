import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import pc from 'picocolors';
import { GantryError } from '../../core/errors.js';
import { starterFiles } from '../../core/init/starter-files.js';
import { packageFile } from '../../core/package-files.js';
import { manifestJsonSchema } from '../../schemas/json-schemas.js';
import { type CliIo, ExitCode } from '../cli-io.js';
import { displayPath, repositoryRoot } from '../options.js';

export function registerInit(program: Command, io: CliIo, exit: (code: ExitCode) => void): void {
  program
    .command('init')
    .description('start a model repository: model.yml, its JSON Schema for editors, and the CI workflow')
    .argument('[dir]', 'folder of the model', '.')
    .option('--force', 'overwrite files that already exist with other content')
    .action(async (dir: string, options: { force?: boolean }) => {
      const modelDir = resolve(io.cwd, dir);
      await mkdir(modelDir, { recursive: true });
      const files = starterFiles({
        modelDir,
        repoRoot: await repositoryRoot(modelDir),
        manifestSchema: `${JSON.stringify(manifestJsonSchema(), null, 2)}\n`,
        workflow: await readFile(packageFile('workflows-templates/gantry-ci.yml'), 'utf8'),
      });
      const show = (path: string) => displayPath(io.cwd, path);
      const existing = await Promise.all(
        files.map(async (f) => (existsSync(f.path) ? readFile(f.path, 'utf8') : undefined)),
      );
      const conflicts = files.filter((f, i) => existing[i] !== undefined && existing[i] !== f.content);
      if (conflicts.length > 0 && !options.force) {
        throw new GantryError(
          'init_would_overwrite',
          `these files exist already and would change: ${conflicts.map((f) => show(f.path)).join(', ')}\n` +
            'Nothing was written. Run again with --force to overwrite them.',
          ExitCode.checkFailed,
        );
      }
      const c = pc.createColors(io.isTTY);
      for (const [i, file] of files.entries()) {
        if (existing[i] === file.content) {
          io.stdout(`${c.dim('unchanged')} ${show(file.path)}\n`);
          continue;
        }
        await mkdir(dirname(file.path), { recursive: true });
        await writeFile(file.path, file.content);
        io.stdout(`${c.green(existing[i] === undefined ? 'created' : 'overwrote')} ${show(file.path)}\n`);
      }
      io.stdout(`\nNext: edit ${show(files[0]!.path)}, then run \`gantry validate\`.\n`);
      exit(ExitCode.ok);
    });
}
