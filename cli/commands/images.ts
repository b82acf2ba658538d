import type { Command } from 'commander';
import { type DockerImage, requireDockerEngine, runDocker } from '../../core/build/docker.js';
import { chooseImagesToPrune } from '../../core/build/prune-images.js';
import { GantryError } from '../../core/errors.js';
import { type CliIo, ExitCode } from '../cli-io.js';

function count(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new GantryError('bad_keep', `--keep must be a whole number, not "${value}"`);
  return n;
}

/** Every local image Gantry built (they carry the dev.gantry.model label), inspected. */
async function gantryImages(): Promise<DockerImage[]> {
  const list = await runDocker(
    ['image', 'ls', '--quiet', '--no-trunc', '--filter', 'label=dev.gantry.model'],
    {
      timeoutMs: 60_000,
    },
  );
  if (list.code !== 0)
    throw new GantryError('docker_failed', `listing images failed: ${list.tail.join('\n')}`, 1);
  const ids = [...new Set(list.stdout.split('\n').filter(Boolean))];
  if (ids.length === 0) return [];
  const inspected = await runDocker(['image', 'inspect', ...ids], { timeoutMs: 60_000 });
  if (inspected.code !== 0)
    throw new GantryError('docker_failed', `inspecting images failed: ${inspected.tail.join('\n')}`, 1);
  return JSON.parse(inspected.stdout) as DockerImage[];
}

export function registerImages(program: Command, io: CliIo, exit: (code: ExitCode) => void): void {
  const images = program
    .command('images')
    .description("manage the images gantry build left on this host's engine");
  images
    .command('prune')
    .description('remove superseded images: per model and target, all but the newest N')
    .requiredOption('--keep <n>', 'images to keep per model and target', count)
    .option('--model <name>', 'only this model')
    .option('--dry-run', 'say what would be removed, and remove nothing')
    .action(async (options: { keep: number; model?: string; dryRun?: boolean }) => {
      await requireDockerEngine();
      const { keep, remove } = chooseImagesToPrune(await gantryImages(), options.keep, options.model);
      let failed = 0;
      for (const image of remove) {
        const names = image.RepoTags?.length ? image.RepoTags : [image.Id];
        if (options.dryRun) {
          io.stdout(`would remove ${names.join(', ')}\n`);
          continue;
        }
        // Tag by tag and without force: an image a container still uses stays, and is reported.
        const removed = await runDocker(['rmi', ...names], { timeoutMs: 120_000 });
        if (removed.code === 0) io.stdout(`removed ${names.join(', ')}\n`);
        else {
          failed += 1;
          io.stderr(`kept ${names.join(', ')}: ${removed.tail.at(-1) ?? 'docker rmi failed'}\n`);
        }
      }
      io.stdout(
        `${options.dryRun ? 'would remove' : 'removed'} ${remove.length - failed}, kept ${keep.length + failed}\n`,
      );
      exit(failed > 0 ? ExitCode.checkFailed : ExitCode.ok);
    });
}
