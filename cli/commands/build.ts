import { writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { type BuildOutcome, sortByHost, summaryLine, summaryRows } from '../../core/build/build-all.js';
import { type BuildRequest, buildImage, planBuild } from '../../core/build/build-image.js';
import { engineArch, requireDockerEngine } from '../../core/build/docker.js';
import { buildableOn, emulatedArches } from '../../core/build/host-support.js';
import { findTarget } from '../../core/build/select-template.js';
import { GantryError } from '../../core/errors.js';
import { DEFAULT_REGISTRY } from '../../core/image-reference.js';
import { findManifests } from '../../core/manifest/find-manifests.js';
import { formatDiagnostic } from '../../core/manifest/format-diagnostic.js';
import { loadValidManifest } from '../../core/manifest/load-manifest.js';
import { packageFile } from '../../core/package-files.js';
import { openRepository } from '../../core/plan/open-repository.js';
import { planRepository } from '../../core/plan/plan-repository.js';
import type { ModelManifest, Target } from '../../schemas/model-manifest.js';
import { type CliIo, ExitCode } from '../cli-io.js';
import { displayPath, formatOption, type OutputFormat } from '../options.js';
import { renderTable } from '../render-table.js';
import { TaskList } from '../task-list.js';

interface BuildOptions {
  target?: string;
  all?: boolean;
  base?: string;
  head?: string;
  allModels?: boolean;
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

const HELP = `
--all builds every target of every model \`gantry plan\` lists: the models changed between --base (default:
the first parent of --head) and --head, or every model with --all-models. Builds use the working tree, so
--head must be the checked-out commit. Targets of another CPU architecture are skipped, saying why, unless
the engine can emulate it (QEMU binfmt handlers); accelerator images (CUDA, ROCm, ...) build on any host
of their architecture. Exits 1 when any build fails, after trying every other.

Examples:
  gantry build models/churn --target cpu --base-image gantry-base/python:bookworm
  gantry build --all --base origin/main --push --registry ghcr.io/acme
`;

async function readManifest(path: string, io: CliIo): Promise<{ manifest: ModelManifest; modelDir: string }> {
  const loaded = await loadValidManifest(resolve(path), displayPath(io.cwd, path));
  return { manifest: loaded.manifest, modelDir: dirname(resolve(path)) };
}

function buildRequest(
  options: BuildOptions,
  io: CliIo,
  model: { manifest: ModelManifest; modelDir: string },
  target: Target,
): BuildRequest {
  return {
    ...model,
    target,
    registry: options.registry,
    push: options.push ?? false,
    baseImage: options.baseImage,
    extraTags: options.tag,
    timeoutMs: options.timeout * 1000,
    templatesDir: packageFile('dockerfiles'),
    onLine: options.verbose ? (line) => io.stderr(`  ${line}\n`) : undefined,
  };
}

async function buildOne(modelDir: string, options: BuildOptions, io: CliIo): Promise<ExitCode> {
  const [manifestPath] = await findManifests([modelDir], io.cwd);
  if (!manifestPath) throw new GantryError('manifest_not_found', `no model.yml in ${modelDir}`, 1);
  const model = await readManifest(manifestPath, io);
  const { manifest } = model;
  const target = findTarget(manifest, options.target!);
  const request = buildRequest(options, io, model, target);
  if (options.printDockerfile) {
    io.stdout((await planBuild(request)).dockerfile);
    return ExitCode.ok;
  }
  await requireDockerEngine();
  const arch = await engineArch();
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
  return ExitCode.ok;
}

/** Builds every image of the plan this host can build, trying each even after one fails. */
async function buildAll(options: BuildOptions, io: CliIo): Promise<ExitCode> {
  const { root, git } = await openRepository(io.cwd);
  const outcome = await planRepository({
    cwd: io.cwd,
    base: options.base,
    head: options.head ?? 'HEAD',
    all: options.allModels,
    registry: options.registry,
  });
  for (const d of outcome.warnings) io.stderr(`${formatDiagnostic(d, io.isTTY, 'warning')}\n`);
  for (const d of outcome.errors) io.stderr(`${formatDiagnostic(d, io.isTTY)}\n`);
  const { plan } = outcome;
  if (plan === undefined) return ExitCode.checkFailed;
  const checkedOut = (await git.revparse(['HEAD'])).trim();
  if (plan.scope.head !== checkedOut) {
    throw new GantryError(
      'head_not_checked_out',
      `--head ${options.head} is ${plan.scope.head.slice(0, 12)}, but ${checkedOut.slice(0, 12)} is checked out; builds use the working tree, so check out ${options.head} first`,
      1,
    );
  }
  if (plan.matrix.length === 0) {
    io.stdout('no model changed: nothing to build\n');
    return ExitCode.ok;
  }
  await requireDockerEngine();
  const arch = (await engineArch()) ?? 'amd64';
  const { build, skipped } = sortByHost(plan.matrix, { arch, emulated: emulatedArches() });
  const tasks = new TaskList(io);
  const title = (e: { model: string; version: string; target: string }) =>
    `build ${e.model} ${e.version} for ${e.target}`;
  for (const s of skipped) tasks.skip(title(s.entry), `skipped: ${s.reason}`);
  const models = new Map<string, Promise<{ manifest: ModelManifest; modelDir: string }>>();
  const outcomes: BuildOutcome[] = [...skipped];
  for (const entry of build) {
    const started = Date.now();
    try {
      const record = await tasks.run(title(entry), async (progress) => {
        const path = resolve(root, entry.manifest);
        if (!models.has(path)) models.set(path, readManifest(path, io));
        const model = await models.get(path)!;
        const target = findTarget(model.manifest, entry.target);
        return buildImage({ ...buildRequest(options, io, model, target), onProgress: progress });
      });
      outcomes.push({ entry, status: 'built', record });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      outcomes.push({ entry, status: 'failed', reason, duration_ms: Date.now() - started });
    }
  }
  const order = new Map(plan.matrix.map((e, i) => [e, i]));
  outcomes.sort((a, b) => order.get(a.entry)! - order.get(b.entry)!);
  if (options.format === 'json') io.stdout(`${JSON.stringify(outcomes, null, 2)}\n`);
  else io.stdout(`${renderTable(summaryRows(outcomes))}${summaryLine(outcomes)}\n`);
  return outcomes.some((o) => o.status === 'failed') ? ExitCode.checkFailed : ExitCode.ok;
}

export function registerBuild(program: Command, io: CliIo, exit: (code: ExitCode) => void): void {
  program
    .command('build')
    .description(
      "build a model's container image for one hardware target (or every changed model's), and push it",
    )
    .argument('[model-dir]', 'folder with model.yml (or the model.yml itself)')
    .option('--target <name>', 'target from model.yml')
    .option('--all', 'build every target of every model `gantry plan` lists (changed models)')
    .option('--base <ref>', 'with --all: commit to compare with (default: the first parent of --head)')
    .option('--head <ref>', 'with --all: commit to plan; must be the checked-out one')
    .option('--all-models', 'with --all: every model, changed or not')
    .option('--registry <host/prefix>', 'registry and prefix the image is tagged under', DEFAULT_REGISTRY)
    .option('--push', 'push every tag to the registry and record the digest')
    .option('--base-image <image>', "build from this image instead of the template's (e.g. a local one)")
    .option('--tag <tag>', 'another tag (repeatable): a bare tag or a full reference', collect, [])
    .option('--print-dockerfile', 'print the Dockerfile the build would use, and build nothing')
    .option('--timeout <seconds>', 'stop a build (or push) that runs longer', positiveSeconds, 3600)
    .option('--record <file>', 'also write the build record (JSON) to this file')
    .option('--verbose', "show the engine's whole build log")
    .addOption(formatOption(['text', 'json']))
    .addHelpText('after', HELP)
    .action(async (modelDir: string | undefined, options: BuildOptions) => {
      if (options.all) {
        const single = [
          modelDir && 'a model folder',
          options.target && '--target',
          options.printDockerfile && '--print-dockerfile',
          options.record && '--record',
        ].filter(Boolean);
        if (single.length > 0)
          throw new GantryError('bad_usage', `--all builds every planned target; drop ${single.join(', ')}`);
        exit(await buildAll(options, io));
        return;
      }
      const allOnly = [
        options.base && '--base',
        options.head && '--head',
        options.allModels && '--all-models',
      ];
      if (allOnly.some(Boolean))
        throw new GantryError('bad_usage', `${allOnly.filter(Boolean).join(', ')} only go with --all`);
      if (!modelDir || !options.target)
        throw new GantryError(
          'bad_usage',
          'name a model folder and --target, or build every changed model with --all',
        );
      exit(await buildOne(modelDir, options, io));
    });
}
