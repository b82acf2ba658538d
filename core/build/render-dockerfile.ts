import type { ModelManifest, Target } from '../../schemas/model-manifest.js';
import { serverCommandLine, type TemplateSelection } from './select-template.js';

/** The user every image runs as: numeric, so Kubernetes' runAsNonRoot can check it. */
export const IMAGE_USER = '10001:10001';
/** Where Gantry's own files (the REST server, installed Python packages) live in an image. */
const GANTRY_DIR = '/opt/gantry';

export interface BuildMetadata {
  /** Commit the image is built from; absent outside git. */
  gitSha?: string;
  /** RFC 3339 time; the commit's time keeps rebuilds of one commit identical. */
  created: string;
  /** Where the source lives (the git remote), when known. */
  source?: string;
  /** BuildKit runs the build: cache mounts are used; the classic builder rejects them. */
  buildkit: boolean;
}

type TemplateChoice = Extract<TemplateSelection, { kind: 'template' }>;

/** Replaces every `{{name}}` in a template; a placeholder without a value is a bug in Gantry. */
export function fillTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{([a-z_]+)\}\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`template placeholder {{${name}}} has no value`);
    return value;
  });
}

/** A Dockerfile string: double-quoted, with `$` kept literal (ENV and LABEL expand variables). */
function quote(value: string): string {
  return JSON.stringify(value).replaceAll('$', '\\$');
}

function envLines(env: Record<string, string>): string {
  return Object.entries(env)
    .map(([key, value]) => `ENV ${key}=${quote(value)}`)
    .join('\n');
}

/** Arguments with `${PORT}` replaced: inside an image the port is fixed at build time. */
function withPort(args: string[], port: number): string[] {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal placeholder users write in model.yml
  return args.map((arg) => arg.replaceAll('${PORT}', String(port)));
}

/** Where an upstream server finds the model: model.yml's `server.model`, else the weights' path. */
function modelLocation(manifest: ModelManifest): string {
  return manifest.server.model ?? manifest.weights?.mount_path ?? '/models';
}

function entrypoint(manifest: ModelManifest): { entrypoint: string[]; cmd: string[] } {
  const { server } = manifest;
  const port = String(server.port);
  const args = withPort(server.args, server.port);
  switch (server.type) {
    case 'vllm':
      return {
        entrypoint: ['python3', '-m', 'vllm.entrypoints.openai.api_server'],
        cmd: [
          '--model',
          modelLocation(manifest),
          '--served-model-name',
          manifest.name,
          '--host',
          '0.0.0.0',
          '--port',
          port,
          ...args,
        ],
      };
    case 'tgi':
      return {
        entrypoint: ['text-generation-launcher'],
        cmd: ['--model-id', modelLocation(manifest), '--hostname', '0.0.0.0', '--port', port, ...args],
      };
    case 'triton':
      return {
        entrypoint: ['tritonserver'],
        cmd: ['--model-repository', modelLocation(manifest), '--http-port', port, ...args],
      };
    case 'rest':
      return {
        entrypoint: ['python3', `${GANTRY_DIR}/rest_server.py`],
        cmd: ['--model', server.model ?? 'model.py', '--port', port, ...args],
      };
    default:
      // The whole command is the entrypoint, so `docker run IMAGE --flag` adds to it rather than replacing it.
      return { entrypoint: withPort(serverCommandLine(manifest), server.port), cmd: args };
  }
}

/**
 * The health check calls the health path with whichever of python3 or node the image has, so no curl
 * is needed; every template's default base image has python3, Node servers' images have node.
 */
export function healthcheckInstruction(manifest: ModelManifest): string {
  const { port, health, startup_timeout_s } = manifest.server;
  const url = `http://127.0.0.1:${port}${health}`;
  const python = `python3 -c "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('${url}', timeout=4).status == 200 else 1)"`;
  const node = `node -e "fetch('${url}').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"`;
  const start = Math.ceil(startup_timeout_s);
  return `HEALTHCHECK --interval=10s --timeout=5s --start-period=${start}s --retries=3 CMD ${python} 2>/dev/null || ${node} 2>/dev/null || exit 1`;
}

function weightsInstructions(manifest: ModelManifest): string {
  const { weights } = manifest;
  if (weights === undefined)
    return '# model.yml names no weights: the model folder holds all the server needs.';
  if (weights.source === 'baked') return `COPY weights/ ${weights.mount_path}/`;
  if (weights.source === 'mounted')
    return `# Weights are not baked: they are mounted at ${weights.mount_path} when the container starts.`;
  return `# Weights are not baked: the deploy step downloads ${weights.url}, checks its SHA-256 and mounts it at ${weights.mount_path}.`;
}

function labels(manifest: ModelManifest, target: Target, meta: BuildMetadata): string {
  const entries: [string, string | undefined][] = [
    ['org.opencontainers.image.title', manifest.name],
    ['org.opencontainers.image.description', manifest.description],
    ['org.opencontainers.image.version', manifest.version],
    ['org.opencontainers.image.revision', meta.gitSha],
    ['org.opencontainers.image.source', meta.source],
    ['org.opencontainers.image.created', meta.created],
    ['dev.gantry.model', manifest.name],
    ['dev.gantry.version', manifest.version],
    ['dev.gantry.target', target.name],
    ['dev.gantry.platform', target.platform],
    ['dev.gantry.arch', target.arch],
    ['dev.gantry.server', manifest.server.type],
  ];
  const pairs = entries
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([key, value]) => `      ${key}=${quote(value)}`);
  // BASE_IMAGE is declared again so the label names the image this build really started from.
  return [
    'ARG BASE_IMAGE',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a Dockerfile variable, expanded by the builder
    'LABEL org.opencontainers.image.base.name="${BASE_IMAGE}" \\',
    pairs.join(' \\\n'),
  ].join('\n');
}

const CREATE_USER = [
  "(getent passwd 10001 >/dev/null || (echo 'gantry:x:10001:10001:gantry:/home/gantry:/usr/sbin/nologin' >> /etc/passwd",
  "echo 'gantry:x:10001:' >> /etc/group))",
  'mkdir -p /home/gantry',
  'chown 10001:10001 /home/gantry',
].join(' && ');

/** The Dockerfile for a target, from its template's text and model.yml. Pure: the caller reads the file. */
export function renderDockerfile(
  template: string,
  selection: TemplateChoice,
  manifest: ModelManifest,
  target: Target,
  meta: BuildMetadata,
): string {
  const { entrypoint: program, cmd } = entrypoint(manifest);
  const env: Record<string, string> = {
    ...selection.env,
    HOME: '/home/gantry',
    ...(selection.family === 'upstream' ? {} : { PYTHONPATH: `${GANTRY_DIR}/site`, PYTHONUNBUFFERED: '1' }),
    ...(manifest.weights ? { GANTRY_WEIGHTS: manifest.weights.mount_path } : {}),
    ...manifest.server.env,
    PORT: String(manifest.server.port),
    GANTRY_MODEL: manifest.name,
    GANTRY_VERSION: manifest.version,
  };
  const mount = (target: string) => (meta.buildkit ? `--mount=type=cache,target=${target} ` : '');
  return fillTemplate(template, {
    base_image: selection.defaultBaseImage,
    platform: selection.platform,
    server: manifest.server.type,
    server_title: selection.title,
    env: envLines(env),
    create_user: CREATE_USER,
    user: IMAGE_USER,
    weights: weightsInstructions(manifest),
    port: String(manifest.server.port),
    healthcheck: healthcheckInstruction(manifest),
    entrypoint: JSON.stringify(program),
    cmd: JSON.stringify(cmd),
    labels: labels(manifest, target, meta),
    pip_cache_mount: mount('/root/.cache/pip'),
    npm_cache_mount: mount('/root/.npm'),
  });
}
