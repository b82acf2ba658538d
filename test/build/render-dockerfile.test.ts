import { readFileSync } from 'node:fs';
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { describe, expect, it } from 'vitest';
import { IMAGE_USER, renderDockerfile } from '../../core/build/render-dockerfile.js';
import { selectTemplate } from '../../core/build/select-template.js';
import { SERVER_TEMPLATES, TEMPLATE_PLATFORMS, type TemplatePlatform } from '../../core/build/templates.js';
import { type Arch, type Platform, SERVER_TYPES, type ServerType } from '../../schemas/model-manifest.js';
import { manifestFor } from './manifest-for.js';

const templates = new URL('../../dockerfiles/', import.meta.url);
// biome-ignore lint/suspicious/noTemplateCurlyInString: Dockerfile and model.yml variables, not JavaScript
const [BASE_IMAGE_VAR, PORT_VAR] = ['${BASE_IMAGE}', '${PORT}'];
const meta = {
  gitSha: 'a'.repeat(40),
  created: '2025-01-02T03:04:05.000Z',
  source: 'https://example.com/m.git',
};

function targetFor(column: TemplatePlatform): { platform: Platform; arch: Arch } {
  if (column === 'cpu-amd64') return { platform: 'cpu', arch: 'amd64' };
  if (column === 'cpu-arm64') return { platform: 'cpu', arch: 'arm64' };
  return { platform: column, arch: 'amd64' };
}

function render(type: ServerType, column: TemplatePlatform, buildkit = true) {
  const manifest = manifestFor({
    task: type === 'rest' ? 'rest' : 'llm',
    server: {
      type,
      ...(['vllm', 'tgi', 'triton', 'rest'].includes(type)
        ? {}
        : { command: ['python3', 'serve.py', '--port', PORT_VAR] }),
      health: '/ready',
      port: 9000,
    },
    weights: { source: 'baked', path: 'weights' },
    targets: [{ name: `t-${column}`, ...targetFor(column) }],
  });
  const target = manifest.targets[0]!;
  const selection = selectTemplate(manifest, target);
  if (selection.kind !== 'template') throw new Error('expected a template');
  const template = readFileSync(new URL(selection.file, templates), 'utf8');
  const text = renderDockerfile(template, selection, manifest, target, { ...meta, buildkit });
  return { text, selection, dockerfile: DockerfileParser.parse(text) };
}

const keyword = (instructions: Instruction[], name: string) =>
  instructions.filter((i) => i.getKeyword() === name);

// Every template that cannot be built and run on a CPU-only amd64 host is checked here by parsing it.
const pairs = SERVER_TYPES.flatMap((type) =>
  TEMPLATE_PLATFORMS.filter(
    (column) => column !== 'cpu-amd64' && SERVER_TEMPLATES[type].platforms[column].supported,
  ).map((column) => [type, column] as const),
);

describe.each(pairs)('%s on %s, rendered and parsed', (type, column) => {
  const { text, selection, dockerfile } = render(type, column);
  const instructions = dockerfile.getInstructions();

  it('takes BASE_IMAGE with the pinned upstream default, and builds every stage from it', () => {
    const [arg] = dockerfile.getInitialARGs();
    expect(arg?.getProperty()?.getName()).toBe('BASE_IMAGE');
    expect(arg?.getProperty()?.getValue()).toBe(selection.defaultBaseImage);
    const cell = SERVER_TEMPLATES[type].platforms[column];
    expect(cell.supported && cell.baseImage).toBe(selection.defaultBaseImage);
    for (const from of dockerfile.getFROMs()) expect(from.getImage()).toBe(BASE_IMAGE_VAR);
  });

  it('labels the image with OCI and Gantry labels', () => {
    const labels = Object.fromEntries(
      keyword(instructions, 'LABEL').flatMap((l) =>
        (l as unknown as { getProperties(): { getName(): string; getValue(): string }[] })
          .getProperties()
          .map((p) => [p.getName(), p.getValue()]),
      ),
    );
    expect(labels).toMatchObject({
      'org.opencontainers.image.version': '1.2.0',
      'org.opencontainers.image.revision': meta.gitSha,
      'org.opencontainers.image.source': meta.source,
      'org.opencontainers.image.created': meta.created,
      'org.opencontainers.image.base.name': BASE_IMAGE_VAR,
      'dev.gantry.model': 'demo',
      'dev.gantry.version': '1.2.0',
      'dev.gantry.target': `t-${column}`,
      'dev.gantry.platform': targetFor(column).platform,
      'dev.gantry.arch': targetFor(column).arch,
    });
  });

  it('checks the health path, runs as a non-root user and exposes the port', () => {
    const final = instructions.slice(instructions.lastIndexOf(dockerfile.getFROMs().at(-1)!));
    const [health] = keyword(final, 'HEALTHCHECK');
    expect(health?.getTextContent()).toContain('http://127.0.0.1:9000/ready');
    expect(keyword(final, 'USER').map((u) => u.getArgumentsContent())).toEqual([IMAGE_USER]);
    expect(keyword(final, 'EXPOSE').map((u) => u.getArgumentsContent())).toEqual(['9000']);
    expect(text).toContain('COPY weights/ /models/');
  });

  it('starts the server with the entrypoint of its type', () => {
    const [entrypoint] = dockerfile.getENTRYPOINTs();
    const argv = JSON.parse(entrypoint!.getArgumentsContent()!) as string[];
    const expected: Record<string, string[]> = {
      vllm: ['python3', '-m', 'vllm.entrypoints.openai.api_server'],
      tgi: ['text-generation-launcher'],
      triton: ['tritonserver'],
      rest: ['python3', '/opt/gantry/rest_server.py'],
    };
    expect(argv).toEqual(expected[type] ?? ['python3', 'serve.py', '--port', '9000']);
  });
});

describe('rendering', () => {
  it('uses cache mounts with BuildKit only', () => {
    expect(render('rest', 'cuda').text).toContain('--mount=type=cache');
    expect(render('rest', 'cuda', false).text).not.toContain('--mount');
  });

  it('sets the platform’s environment', () => {
    expect(render('tgi', 'tpu').text).toContain('ENV PJRT_DEVICE="TPU"');
    expect(render('vllm', 'cuda').text).toContain('ENV NVIDIA_VISIBLE_DEVICES="all"');
  });
});
