import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { BUILD_RECORD_VERSION, type BuildRecord } from '../../schemas/build-record.js';
import type { ModelManifest, Target } from '../../schemas/model-manifest.js';
import { GantryError } from '../errors.js';
import { commitImageReference, imageReference } from '../image-reference.js';
import { prepareBuildContext } from './build-context.js';
import { BuildProgress } from './build-progress.js';
import { type DockerImage, inspectImage, requireDockerEngine, runDocker } from './docker.js';
import { type BuildMetadata, renderDockerfile } from './render-dockerfile.js';
import { chooseBaseImage, selectTemplate, type TemplateSelection } from './select-template.js';

export interface BuildRequest {
  modelDir: string;
  manifest: ModelManifest;
  target: Target;
  /** `HOST[:PORT]/PREFIX` the image is tagged (and pushed) under. */
  registry: string;
  push: boolean;
  baseImage?: string;
  /** More tags: a bare tag goes under the model's repository, a full reference as it is. */
  extraTags?: string[];
  timeoutMs: number;
  /** Gantry's dockerfiles/ folder. */
  templatesDir: string;
  /** Gantry's REST server (dockerfiles/shared/rest_server.py unless replaced). */
  restServer?: string;
  buildkit?: boolean;
  /** Build every step afresh (a cold build), ignoring the engine's cache. */
  noCache?: boolean;
  onProgress?: (detail: string) => void;
  onLine?: (line: string) => void;
  /** How long each phase of the build took (plan, engine check, context, build, inspect, push). */
  onPhase?: (phase: string, ms: number) => void;
  now?: () => Date;
}

/** Runs one phase of a build, reporting its duration: where a build's time goes, for bench:build. */
async function timed<T>(request: BuildRequest, phase: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } finally {
    request.onPhase?.(phase, performance.now() - started);
  }
}

const execFileAsync = promisify(execFile);

/**
 * Git facts about the model folder; all absent outside a git repository. Two git commands run together,
 * called directly: a git wrapper's own start-up cost more than the commands on a cached rebuild.
 */
async function gitMetadata(dir: string): Promise<{ sha?: string; time?: string; source?: string }> {
  const git = (args: string[]) => execFileAsync('git', args, { cwd: dir }).then((r) => r.stdout.trim());
  try {
    const [head, remote] = await Promise.all([
      git(['show', '-s', '--format=%H %cI', 'HEAD']),
      // No remote is no error: the image simply names no source.
      git(['config', '--get', 'remote.origin.url']).catch(() => ''),
    ]);
    const [sha, time] = head.split(' ');
    if (!sha || !time) return {};
    return { sha, time: new Date(time).toISOString(), source: remote || undefined };
  } catch {
    return {};
  }
}

function extraReference(tag: string, registry: string, model: string): string {
  return tag.includes(':') || tag.includes('/') ? tag : `${registry.replace(/\/+$/, '')}/${model}:${tag}`;
}

/** Everything the build would use, without building: what `--print-dockerfile` shows. */
export async function planBuild(request: BuildRequest) {
  const { manifest, target, modelDir } = request;
  const selection = selectTemplate(manifest, target);
  const git = await gitMetadata(modelDir);
  const meta: BuildMetadata = {
    gitSha: git.sha,
    created: git.time ?? (request.now?.() ?? new Date()).toISOString(),
    source: git.source,
    buildkit: request.buildkit ?? true,
  };
  const dockerfile = await dockerfileText(selection, request, meta);
  const coordinates = {
    registry: request.registry,
    model: manifest.name,
    version: manifest.version,
    target: target.name,
  };
  const tags = [
    imageReference(coordinates),
    ...(git.sha ? [commitImageReference(coordinates, git.sha)] : []),
    ...(request.extraTags ?? []).map((tag) => extraReference(tag, request.registry, manifest.name)),
  ];
  const baseImage = chooseBaseImage(selection, target, request.baseImage);
  return { selection, dockerfile, tags, baseImage, git };
}

async function dockerfileText(selection: TemplateSelection, request: BuildRequest, meta: BuildMetadata) {
  if (selection.kind === 'own') {
    const path = resolve(request.modelDir, selection.dockerfile);
    if (!existsSync(path)) {
      throw new GantryError(
        'dockerfile_missing',
        `target ${request.target.name} names its own Dockerfile ${selection.dockerfile}, which is not in ${request.modelDir}`,
        1,
      );
    }
    return readFile(path, 'utf8');
  }
  const template = await readFile(join(request.templatesDir, selection.file), 'utf8');
  return renderDockerfile(template, selection, request.manifest, request.target, meta);
}

/** What a failed build's output says about its cause, in words a user can act on. */
function buildFailure(step: string | undefined, tail: string[], baseImage: string | undefined): string {
  const log = tail.join('\n');
  const unreachable =
    /pull access denied|failed to resolve source metadata|failed to do request|no such host|connection refused|not found: manifest unknown|dial tcp/i;
  if (baseImage && unreachable.test(log)) {
    return `the base image ${baseImage} is not on this host and cannot be pulled; pass --base-image with a local image (scripts/test-env.sh makes gantry-base/python:bookworm and others)\n${log}`;
  }
  return `${step ? `step ${step} failed` : 'the build failed'}; the last lines of its output:\n${log}`;
}

async function pushImage(reference: string, timeoutMs: number): Promise<string> {
  const result = await runDocker(['push', reference], { timeoutMs, keepLines: 20 });
  const digest = /digest: (sha256:[a-f0-9]{64})/.exec(result.stdout)?.[1];
  if (result.code !== 0 || digest === undefined) {
    const why = result.timedOut
      ? `no answer within ${Math.round(timeoutMs / 1000)} s`
      : result.tail.join('\n');
    throw new GantryError(
      'push_failed',
      `the registry refused the push of ${reference}; nothing is recorded as built:\n${why}`,
      1,
    );
  }
  return digest;
}

/**
 * Builds one target's image with the local engine, tags it, pushes it when asked, and returns the
 * build record. Any failure is a GantryError naming its cause; nothing half-pushed is returned.
 */
export async function buildImage(request: BuildRequest): Promise<BuildRecord> {
  const { manifest, target } = request;
  const started = Date.now();
  const plan = await timed(request, 'plan', () => planBuild(request));
  await timed(request, 'engine check', requireDockerEngine);
  const gantryFiles: Record<string, string> = {};
  if (plan.selection.kind === 'template' && plan.selection.family === 'rest') {
    const server = request.restServer ?? join(request.templatesDir, 'shared', 'rest_server.py');
    if (!existsSync(server))
      throw new GantryError(
        'rest_server_missing',
        `Gantry's REST server ${server} is missing from this installation`,
        1,
      );
    gantryFiles['rest_server.py'] = server;
  }
  const buildkit = request.buildkit ?? true;
  const own = plan.selection.kind === 'own';
  const context = own
    ? undefined
    : await timed(request, 'context', () =>
        prepareBuildContext(request.modelDir, manifest, target.name, plan.dockerfile, gantryFiles),
      );
  const key = context
    ? await timed(request, 'reuse check', () => buildKey(context.fingerprint, plan.baseImage, request))
    : undefined;
  // A cold build (--no-cache) builds anyway, but labels its image so the next build can reuse it.
  const built =
    key && !request.noCache
      ? await timed(request, 'reuse check', () => inspectImage(plan.tags[0]!))
      : undefined;
  if (key && built?.Config.Labels?.[BUILD_KEY_LABEL] === key) {
    // The engine has this exact build: same context, Dockerfile, arguments, platform and base image.
    request.onProgress?.('unchanged: reusing the image built before');
    for (const tag of plan.tags.filter((t) => !built.RepoTags?.includes(t))) {
      const tagged = await runDocker(['tag', built.Id, tag], { timeoutMs: 30_000 });
      if (tagged.code !== 0)
        throw new GantryError('build_failed', `cannot tag ${tag}: ${tagged.tail.join('\n')}`, 1);
    }
    return finish(request, plan, built, Date.now() - started, true);
  }
  const progress = new BuildProgress();
  const args = [
    'build',
    ...(buildkit ? ['--progress=plain'] : []),
    ...(request.noCache ? ['--no-cache'] : []),
    '--platform',
    `linux/${target.arch}`,
    '-f',
    context?.dockerfile ?? resolve(request.modelDir, (plan.selection as { dockerfile: string }).dockerfile),
    ...(plan.baseImage ? ['--build-arg', `BASE_IMAGE=${plan.baseImage}`] : []),
    ...Object.entries(target.build_args).flatMap(([key, value]) => ['--build-arg', `${key}=${value}`]),
    ...(key ? ['--label', `${BUILD_KEY_LABEL}=${key}`] : []),
    ...plan.tags.flatMap((tag) => ['-t', tag]),
    context?.dir ?? request.modelDir,
  ];
  const result = await timed(request, 'docker build', () =>
    runDocker(args, {
      timeoutMs: request.timeoutMs,
      env: { DOCKER_BUILDKIT: buildkit ? '1' : '0' },
      onLine: (line) => {
        request.onLine?.(line);
        const step = progress.push(line);
        if (step) request.onProgress?.(step);
      },
    }),
  );
  if (result.timedOut) {
    throw new GantryError(
      'build_timeout',
      `the build of ${plan.tags[0]} ran past ${Math.round(request.timeoutMs / 1000)} s and was stopped${progress.current ? ` during ${progress.current}` : ''}; raise --timeout if it needs longer`,
      1,
    );
  }
  if (result.code !== 0) {
    throw new GantryError(
      'build_failed',
      buildFailure(progress.failedStep(), result.tail, plan.baseImage),
      1,
    );
  }
  const image = await timed(request, 'inspect', () => inspectImage(plan.tags[0]!));
  if (image === undefined)
    throw new GantryError('build_failed', `the engine has no image ${plan.tags[0]} after building it`, 1);
  return finish(request, plan, image, Date.now() - started, false, progress.cache());
}

/** Pushes when asked, and writes the build record of an image built (or reused) for a request. */
async function finish(
  request: BuildRequest,
  plan: Awaited<ReturnType<typeof planBuild>>,
  image: DockerImage,
  duration: number,
  reused: boolean,
  cache?: BuildRecord['cache'],
): Promise<BuildRecord> {
  const { manifest, target } = request;
  let digest: string | undefined;
  if (request.push) {
    request.onProgress?.(`pushing ${plan.tags.length} tag${plan.tags.length === 1 ? '' : 's'}`);
    for (const tag of plan.tags) {
      const pushed = await timed(request, 'push', () => pushImage(tag, request.timeoutMs));
      digest ??= pushed;
    }
  }
  const repository = plan.tags[0]!.slice(0, plan.tags[0]!.lastIndexOf(':'));
  return {
    schema_version: BUILD_RECORD_VERSION,
    model: manifest.name,
    version: manifest.version,
    target: target.name,
    platform: target.platform,
    arch: target.arch,
    server: manifest.server.type,
    image: plan.tags[0]!,
    tags: plan.tags,
    image_id: image.Id,
    digest,
    pinned: digest ? `${repository}@${digest}` : undefined,
    pushed: request.push,
    size_bytes: image.Size,
    layers: image.RootFS.Layers?.length ?? 0,
    duration_ms: duration,
    base_image: plan.baseImage,
    dockerfile:
      plan.selection.kind === 'own' ? plan.selection.dockerfile : `dockerfiles/${plan.selection.file}`,
    ...(cache ? { cache } : {}),
    ...(reused ? { reused } : {}),
    git_sha: plan.git.sha,
    built_at: (request.now?.() ?? new Date()).toISOString(),
  };
}

/** Label carrying what an image was built from, so an identical rebuild can be skipped. */
const BUILD_KEY_LABEL = 'dev.gantry.build-key';

/**
 * What decides a build's result: the context (Dockerfile included), the platform, the builder, the
 * build arguments and the exact base image. Undefined when the base image is not here yet (the build
 * pulls it, and may get a newer one).
 */
async function buildKey(
  contextFingerprint: string,
  baseImage: string | undefined,
  request: BuildRequest,
): Promise<string | undefined> {
  const base = baseImage ? await inspectImage(baseImage) : undefined;
  if (baseImage && !base) return undefined;
  return createHash('sha256')
    .update(
      JSON.stringify({
        context: contextFingerprint,
        platform: `linux/${request.target.arch}`,
        buildkit: request.buildkit ?? true,
        args: request.target.build_args,
        base: base?.Id ?? null,
      }),
    )
    .digest('hex');
}
