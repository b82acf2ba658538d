import { relative, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { GantryError } from '../../core/errors.js';
import { readRef } from '../../core/git-plumbing.js';
import { findManifests } from '../../core/manifest/find-manifests.js';
import { loadValidManifest } from '../../core/manifest/load-manifest.js';
import type { EnvironmentChange, ModelRegistry } from '../../core/registry/model-registry.js';
import { newestRunOfVersion, readRunRecords } from '../../core/registry/run-records.js';
import { imageToRun } from '../../core/registry/stored-versions.js';
import { actionsRunUrl } from '../../core/report/load-report-input.js';
import {
  type EnvironmentEntry,
  type ModelVersion,
  VERSION_STATES,
  type VersionState,
} from '../../schemas/model-version.js';
import { type CliIo, ExitCode } from '../cli-io.js';
import { githubOption } from '../github-repository.js';
import { openRegistry } from '../open-registry.js';
import { displayPath, formatOption, type OutputFormat, repositoryRoot } from '../options.js';
import { renderTable } from '../render-table.js';

interface Common {
  repo?: string;
  github?: string;
  format: OutputFormat;
}

interface Change extends Common {
  env: string;
  note?: string;
  actor: string;
}

const HELP = `
The registry lives in the repository itself: a tag MODEL@VERSION on each version's commit, its records
under refs/gantry/versions/, and each environment's history under refs/gantry/environments/. Share it
with \`git push origin 'refs/tags/*' 'refs/gantry/*'\`. Every change is also an audit entry
(gantry audit verify). With --github OWNER/REPO the commands work on the registry kept on GitHub
instead: releases, .gantry/environments/ENV.yml and deployments, through the API (GITHUB_TOKEN).

Examples:
  gantry pipeline examples/chat-llm && gantry registry record examples/chat-llm
  gantry registry promote chat-llm@1.0.0 --env production --note "faster decoding"
  gantry registry rollback chat-llm --env production --note "p99 doubled"
  gantry registry history chat-llm --env production
`;

/** `MODEL@VERSION` as the user typed it; the version may be left out where the latest one is meant. */
function parseSpec(spec: string, versionRequired: boolean): { model: string; version?: string } {
  const at = spec.lastIndexOf('@');
  if (at > 0) return { model: spec.slice(0, at), version: spec.slice(at + 1) };
  if (versionRequired)
    throw new GantryError(
      'bad_version_spec',
      `"${spec}" names no version: write MODEL@VERSION, like chat-llm@1.2.0`,
    );
  return { model: spec };
}

const short = (sha: string) => sha.slice(0, 12);
const gateText = (v: ModelVersion) =>
  v.gate ? `${v.gate.verdict}${v.gate.against ? ` vs ${v.gate.against}` : ''}` : '-';

function json(io: CliIo, value: unknown): void {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}

function versionTable(versions: ModelVersion[]): string {
  return renderTable([
    ['MODEL', 'VERSION', 'STATE', 'ENVIRONMENTS', 'GATE', 'COMMIT', 'RECORDED'],
    ...versions.map((v) => [
      v.model,
      v.version,
      v.state,
      v.environments.join(',') || '-',
      gateText(v),
      short(v.git_sha),
      `${v.recorded_at.slice(0, 16).replace('T', ' ')} by ${v.recorded_by}`,
    ]),
  ]);
}

function historyTable(entries: EnvironmentEntry[]): string {
  return renderTable([
    ['#', 'TIME', 'ACTION', 'FROM', 'TO', 'BY', 'NOTE'],
    ...entries.map((e) => [
      String(e.seq),
      e.time.slice(0, 19).replace('T', ' '),
      e.reason,
      e.from ?? '-',
      e.to,
      e.actor,
      e.note ?? '',
    ]),
  ]);
}

function versionDetails(v: ModelVersion): string {
  const images = Object.entries(v.images).map(([target, i]) => `  ${target}: ${imageToRun(i)}`);
  const lineage = Object.entries(v.lineage).map(([k, value]) => `  ${k}: ${value}`);
  const width = Math.max(...v.records.map((r) => r.name.length));
  const metadata = Object.entries(v.metadata).map(([k, value]) => `  ${k}: ${JSON.stringify(value)}`);
  return [
    `${v.model} ${v.version}  (${v.state}${v.environments.length ? ` in ${v.environments.join(', ')}` : ''})`,
    `commit:   ${v.git_sha}`,
    `gate:     ${v.gate ? gateText(v) : 'not gated'}`,
    `recorded: ${v.recorded_at} by ${v.recorded_by}`,
    `digest:   ${v.digest}`,
    ...(images.length ? ['images:', ...images] : []),
    ...(lineage.length ? ['lineage:', ...lineage] : []),
    ...(metadata.length ? ['metadata:', ...metadata] : []),
    'records:',
    ...v.records.map(
      (r) => `  ${r.name.padEnd(width)}  ${r.kind}, ${r.bytes} bytes, sha256 ${short(r.sha256)}`,
    ),
    '',
  ].join('\n');
}

/** key=value pairs; a value that reads as JSON (numbers, booleans, objects) is kept as such. */
function parseMetadata(pairs: string[]): Record<string, unknown> {
  return Object.fromEntries(
    pairs.map((pair) => {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new GantryError('bad_metadata', `--metadata takes key=value, not "${pair}"`);
      const value = pair.slice(eq + 1);
      try {
        return [pair.slice(0, eq), JSON.parse(value)];
      } catch {
        return [pair.slice(0, eq), value];
      }
    }),
  );
}

async function resolveCommit(repoDir: string, rev: string): Promise<string> {
  const commit = await readRef(repoDir, `${rev}^{commit}`);
  if (!commit)
    throw new GantryError(
      'unknown_commit',
      `"${rev}" is not a commit of ${repoDir}: give --commit a commit id or branch`,
      1,
    );
  return commit;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerRegistry(program: Command, io: CliIo, exit: (code: ExitCode) => void): void {
  const registry = program
    .command('registry')
    .description(
      'model versions and what runs in each environment, kept in git: list, show, record, promote, rollback, history',
    )
    .addHelpText('after', HELP);
  const root = (options: Common) => repositoryRoot(resolve(io.cwd, options.repo ?? '.'));
  const open = (options: Common): Promise<ModelRegistry> => openRegistry(io.cwd, options, io.env);
  const repoOption = () =>
    new Option('--repo <dir>', 'repository holding the registry (default: the one here)');
  const actorOption = () =>
    new Option('--actor <login>', 'who makes the change').default(
      io.env.GITHUB_ACTOR ?? io.env.USER ?? 'unknown',
    );

  registry
    .command('list')
    .description('recorded versions, lowest version first')
    .option('--model <name>', 'only this model')
    .addOption(new Option('--state <state>', 'only versions in this state').choices(VERSION_STATES))
    .option('--env <name>', 'only versions current in this environment')
    .addOption(repoOption())
    .addOption(githubOption())
    .addOption(formatOption(['text', 'json']))
    .action(async (options: Common & { model?: string; state?: VersionState; env?: string }) => {
      const versions = await (await open(options)).list({
        model: options.model,
        state: options.state,
        environment: options.env,
      });
      if (options.format === 'json') json(io, versions);
      else
        io.stdout(
          versions.length ? versionTable(versions) : 'no versions recorded yet (gantry registry record)\n',
        );
      exit(ExitCode.ok);
    });

  registry
    .command('show')
    .description('one version: images, gate, lineage, metadata and records (MODEL alone: its latest)')
    .argument('<model@version>', 'for example chat-llm@1.0.0')
    .addOption(repoOption())
    .addOption(githubOption())
    .addOption(formatOption(['text', 'json']))
    .action(async (spec: string, options: Common) => {
      const { model, version } = parseSpec(spec, false);
      const reg = await open(options);
      const found = version ? await reg.get(model, version) : await reg.latest(model);
      if (!found)
        throw new GantryError(
          'unknown_version',
          `${spec} is not recorded in the registry of ${options.github ?? (await root(options))} (gantry registry list shows what is)`,
          1,
        );
      if (options.format === 'json') json(io, found);
      else io.stdout(versionDetails(found));
      exit(ExitCode.ok);
    });

  registry
    .command('record')
    .description('record the version a pipeline run measured: its results, gate verdict, builds and commit')
    .argument('<model-dir>', 'folder with model.yml')
    .option('--run <dir>', 'the pipeline run folder (default: the newest run of this model in --runs)')
    .option('--runs <dir>', 'where gantry pipeline keeps its runs', '.gantry/runs')
    .option('--build <file>', 'a build record from gantry build --record (repeatable)', collect, [])
    .option('--commit <rev>', 'the commit the version was built from', 'HEAD')
    .option('--gated-against <version>', 'the version the gate verdict compared with')
    .option('--run-url <url>', 'link to the workflow run')
    .option('--metadata <key=value>', 'free-form metadata (repeatable)', collect, [])
    .addOption(actorOption())
    .addOption(repoOption())
    .addOption(githubOption())
    .addOption(formatOption(['text', 'json']))
    .action(
      async (
        modelDir: string,
        options: Common & {
          run?: string;
          runs: string;
          build: string[];
          commit: string;
          gatedAgainst?: string;
          runUrl?: string;
          metadata: string[];
          actor: string;
        },
      ) => {
        const [manifestPath] = await findManifests([modelDir], io.cwd);
        if (!manifestPath) throw new GantryError('manifest_not_found', `no model.yml in ${modelDir}`);
        const { manifest } = await loadValidManifest(
          resolve(manifestPath),
          displayPath(io.cwd, manifestPath),
        );
        const dir = await root(options);
        const runDir = options.run
          ? resolve(io.cwd, options.run)
          : await newestRunOfVersion(resolve(io.cwd, options.runs), manifest, {
              runs: options.runs,
              modelDir,
            });
        const records = await readRunRecords(runDir, {
          buildFiles: options.build.map((f) => resolve(io.cwd, f)),
          manifestPath: resolve(manifestPath),
        });
        const runUrl = options.runUrl ?? actionsRunUrl(io.env);
        const { version, created } = await (await open(options)).record(
          {
            model: manifest.name,
            version: manifest.version,
            git_sha: await resolveCommit(dir, options.commit),
            gated_against: options.gatedAgainst,
            metadata: parseMetadata(options.metadata),
            lineage: {
              // The run that measured the version: the one --run-url names, this workflow run, or the run folder.
              run_id:
                runUrl?.match(/\/actions\/runs\/(\d+)/)?.[1] ?? io.env.GITHUB_RUN_ID ?? relative(dir, runDir),
              ...(runUrl ? { run_url: runUrl } : {}),
            },
            records,
          },
          { actor: options.actor },
        );
        if (options.format === 'json') json(io, { created, version });
        else
          io.stdout(
            created
              ? `recorded ${version.model}@${version.version}: commit ${short(version.git_sha)}, ${version.records.length} records, gate ${gateText(version)}\n`
              : `${version.model}@${version.version} is already recorded with the same content: nothing changed\n`,
          );
        exit(ExitCode.ok);
      },
    );

  const change = (entry: EnvironmentEntry, changed: boolean) =>
    changed
      ? `${entry.environment}: ${entry.model} ${entry.from ?? '(none)'} -> ${entry.to} (${entry.reason === 'rollback' ? 'rolled back' : 'promoted'} by ${entry.actor})\n`
      : `${entry.environment} already runs ${entry.model} ${entry.to}: nothing changed\n`;

  const answer = (options: Common, result: EnvironmentChange) => {
    if (options.format === 'json') json(io, result);
    else io.stdout(change(result.entry, result.changed));
    exit(ExitCode.ok);
  };
  const changeOptions = (command: Command) =>
    command
      .option('--note <text>', 'why, kept in the history and the audit log')
      .addOption(actorOption())
      .addOption(repoOption())
      .addOption(githubOption())
      .addOption(formatOption(['text', 'json']));

  changeOptions(
    registry
      .command('promote')
      .description('make a recorded version the one an environment runs (refused when its gate did not pass)')
      .argument('<model@version>', 'for example chat-llm@1.1.0')
      .requiredOption('--env <name>', 'environment, e.g. staging or production')
      .option('--force', 'promote even though the gate verdict is not pass (say why with --note)'),
  ).action(async (spec: string, options: Change & { force?: boolean }) => {
    const { model, version } = parseSpec(spec, true);
    if (options.force && !options.note)
      throw new GantryError('note_required', '--force needs a --note saying why the gate is overridden');
    const result = await (await open(options)).promote({
      model,
      version: version!,
      environment: options.env,
      note: options.note,
      force: options.force,
      actor: options.actor,
    });
    answer(options, result);
  });

  changeOptions(
    registry
      .command('rollback')
      .description('return an environment to the version it ran before the current one')
      .argument('<model>', 'model name')
      .requiredOption('--env <name>', 'environment, e.g. production')
      .option(
        '--from <version>',
        'roll back only while the environment runs this version (a retried job then changes nothing)',
      ),
  ).action(async (model: string, options: Change & { from?: string }) => {
    const result = await (await open(options)).rollback({
      model,
      environment: options.env,
      note: options.note,
      actor: options.actor,
      ...(options.from !== undefined ? { from: options.from } : {}),
    });
    if (!result.changed && options.format !== 'json') {
      const { entry } = result;
      io.stdout(
        `${entry.environment} runs ${entry.model} ${entry.to}, not ${options.from}: nothing rolled back\n`,
      );
      return exit(ExitCode.ok);
    }
    answer(options, result);
  });

  registry
    .command('history')
    .description('every promotion and rollback of a model in an environment, oldest first')
    .argument('<model>', 'model name')
    .requiredOption('--env <name>', 'environment, e.g. production')
    .addOption(repoOption())
    .addOption(githubOption())
    .addOption(formatOption(['text', 'json']))
    .action(async (model: string, options: Common & { env: string }) => {
      const entries = await (await open(options)).history(model, options.env);
      if (options.format === 'json') json(io, entries);
      else
        io.stdout(entries.length ? historyTable(entries) : `${model} was never promoted to ${options.env}\n`);
      exit(ExitCode.ok);
    });
}
