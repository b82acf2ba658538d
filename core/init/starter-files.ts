import { basename, join, relative } from 'node:path';

/** A file `gantry init` writes: where, relative to which root, and its text. */
export interface StarterFile {
  path: string;
  content: string;
}

export interface StarterOptions {
  /** Absolute folder of the model. */
  modelDir: string;
  /** Absolute root of the repository (the git top level, or the model folder outside git). */
  repoRoot: string;
  manifestSchema: string;
  workflow: string;
}

/** A model name from a folder name: lower case, only the characters model names allow. */
export function modelNameFrom(folder: string): string {
  const name = basename(folder)
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  return name || 'my-model';
}

/**
 * The files a new model repository starts with: a model.yml whose first line points editors at a copy
 * of the JSON Schema kept in the repo (works offline and in air-gapped setups), the schema itself, and
 * the CI workflow. Pure: the caller decides what to do about files that already exist.
 */
export function starterFiles({
  modelDir,
  repoRoot,
  manifestSchema,
  workflow,
}: StarterOptions): StarterFile[] {
  const schemaPath = join(repoRoot, '.gantry', 'model-manifest.schema.json');
  const schemaRef = relative(modelDir, schemaPath).split('\\').join('/');
  const manifest = [
    `# yaml-language-server: $schema=${schemaRef}`,
    `name: ${modelNameFrom(modelDir)}`,
    'version: 0.1.0',
    'description: What this model does, in one line.',
    'task: llm',
    'owners: []  # GitHub users or org/team slugs who may approve promotions',
    'server:',
    '  type: openai  # any OpenAI-compatible server started by the command below',
    '  command: [python3, server.py]',
    '  port: 8000',
    '  health: /health',
    'targets:',
    '  - name: cpu',
    '    platform: cpu',
    '# - name: cuda-h100',
    '#   platform: cuda',
    '#   accelerator: h100',
    'benchmark:',
    '  default:',
    '    kind: openai-chat',
    '    input_tokens: 128',
    '    output_tokens: 64',
    '    load: { type: concurrency, concurrency: 4 }',
    '    requests: 100',
    '    warmup: 5',
    '    repetitions: 3',
    'gates:',
    '  baseline: production',
    '  rules:',
    '    - metric: ttft_ms.p95',
    '      relative: 0.10',
    '    - metric: output_tokens_per_s',
    '      relative: 0.05',
    '',
  ].join('\n');
  return [
    { path: join(modelDir, 'model.yml'), content: manifest },
    { path: schemaPath, content: manifestSchema },
    { path: join(repoRoot, '.github', 'workflows', 'gantry-ci.yml'), content: workflow },
  ];
}
