import { writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { type BuildRequest, buildImage, planBuild } from '../../core/build/build-image.js';
import { requireDockerEngine, runDocker } from '../../core/build/docker.js';
import { archFromMachine, buildableOn, emulatedArches } from '../../core/build/host-support.js';
import { findTarget } from '../../core/build/select-template.js';
import { GantryError } from '../../core/errors.js';
import { DEFAULT_REGISTRY } from '../../core/image-reference.js';
import { findManifests } from '../../core/manifest/find-manifests.js';
import { loadManifest } from '../../core/manifest/load-manifest.js';
import { packageFile } from '../../core/package-files.js';
import { type CliIo, ExitCode } from '../cli-io.js';
import { formatDiagnostic } from '../format-diagnostics.js';
import { displayPath, formatOption, type OutputFormat } from '../options.js';
import { TaskList } from '../task-list.js';

interface BuildOptions {
  target: string;
  registry: string;
  push?: boolean;
  baseImage?: string;
  tag: string[];
  printDockerfile?: boolean;
  timeout: number;
  record?: string;
  verbose?: boolean;
  format: OutputFormat;
}

const collect = (value: string, previous: string[]) => [...previous, value];

function positiveSeconds(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new GantryError('bad_timeout', `--timeout must be a number of seconds, not "${value}"`);
  return seconds;
}

/** The architecture the engine builds for natively; Node's own when no engine answers. */
async function hostArch() {
  const info = await runDocker(['info', '--format', '{{.Architecture}}'], { timeoutMs: 15_000 });
  return (
    archFromMachine(info.stdout.trim()) ?? archFromMachine(process.arch === 'x64' ? 'amd64' : process.arch)
  );
}

export function registerBuild(program: Command, io: CliIo, exit: (code: ExitCode) => void): void {
  program
    .command('build')
    .description("build a model's container image for one hardware target, and push it")
    .argument('<model-dir>', 'folder with model.yml (or the model.yml itself)')
    .requiredOption('--target <name>', 'target from model.yml')
    .option('--registry <host/prefix>', 'registry and prefix the image is tagged under', DEFAULT_REGISTRY)
    .option('--push', 'push every tag to the registry and record the digest')
    .option('--base-image <image>', "build from this image instead of the template's (e.g. a local one)")
    .option('--tag <tag>', 'another tag (repeatable): a bare tag or a full reference', collect, [])
    .option('--print-dockerfile', 'print the Dockerfile the build would use, and build nothing')
    .option('--timeout <seconds>', 'stop a build (or push) that runs longer', positiveSeconds, 3600)
    .option('--record <file>', 'also write the build record (JSON) to this file')
    .option('--verbose', "show the engine's whole build log")
    .addOption(formatOption(['text', 'json']))
    .action(async (modelDir: string, options: BuildOptions) => {
      const [manifestPath] = await findManifests([modelDir], io.cwd);
      if (!manifestPath) throw new GantryError('manifest_not_found', `no model.yml in ${modelDir}`, 1);
      const loaded = await loadManifest(resolve(manifestPath), displayPath(io.cwd, manifestPath));
      if (!loaded.manifest) {
        for (const d of loaded.diagnostics) io.stderr(`${formatDiagnostic(d, io.isTTY)}\n`);
        throw new GantryError(
          'manifest_invalid',
          `fix model.yml before building: ${loaded.diagnostics.length} problem${loaded.diagnostics.length === 1 ? '' : 's'} above`,
          1,
        );
      }
      const manifest = loaded.manifest;
      const target = findTarget(manifest, options.target);
      const request: BuildRequest = {
        modelDir: dirname(resolve(manifestPath)),
        manifest,
        target,
        registry: options.registry,
        push: options.push ?? false,
        baseImage: options.baseImage,
        extraTags: options.tag,
        timeoutMs: options.timeout * 1000,
        templatesDir: packageFile('dockerfiles'),
        onLine: options.verbose ? (line) => io.stderr(`  ${line}\n`) : undefined,
      };
      if (options.printDockerfile) {
        io.stdout((await planBuild(request)).dockerfile);
        exit(ExitCode.ok);
        return;
      }
      await requireDockerEngine();
      const arch = await hostArch();
      const tasks = new TaskList(io);
      if (arch) {
        const can = buildableOn(target, { arch, emulated: emulatedArches() });
        if (!can.ok) {
          tasks.skip(`build ${manifest.name} ${target.name}`, can.reason);
          throw new GantryError(
            'target_not_buildable',
            `this host cannot build ${target.name}: ${can.reason}`,
            1,
          );
        }
      }
      const record = await tasks.run(
        `build ${manifest.name} ${manifest.version} for ${target.name}`,
        (progress) => buildImage({ ...request, onProgress: progress }),
      );
      if (options.record)
        await writeFile(resolve(io.cwd, options.record), `${JSON.stringify(record, null, 2)}\n`);
      if (options.format === 'json') io.stdout(`${JSON.stringify(record, null, 2)}\n`);
      else {
        const size = `${(record.size_bytes / 1e6).toFixed(1)} MB`;
        const cache = record.cache ? `, ${record.cache.cached}/${record.cache.steps} steps cached` : '';
        io.stdout(`${record.image} (${size}, ${record.layers} layers${cache})\n`);
        if (record.pinned) io.stdout(`pushed ${record.pinned}\n`);
      }
      exit(ExitCode.ok);
    });
}
