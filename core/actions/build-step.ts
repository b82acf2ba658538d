import { buildImage } from '../build/build-image.js';
import { findTarget } from '../build/select-template.js';
import { DEFAULT_REGISTRY } from '../image-reference.js';
import { packageFile } from '../package-files.js';
import { loadModel } from './load-model.js';
import { resultsDirOf, writeRecord } from './records.js';
import type { StepIo, StepResult } from './step.js';

export interface BuildStepRequest {
  model: string;
  target: string;
  registry?: string;
  push: boolean;
  baseImage?: string;
  tags: string[];
  timeoutSeconds?: number;
  resultsDir?: string;
}

/** Builds one model's image for one hardware target (and pushes it), as `gantry build --target` does. */
export async function buildStep(request: BuildStepRequest, io: StepIo): Promise<StepResult> {
  const { manifest, folder } = await loadModel(request.model, io.cwd);
  const target = findTarget(manifest, request.target);
  const record = await io.group(`Build ${manifest.name} ${manifest.version} for ${target.name}`, () =>
    buildImage({
      modelDir: folder,
      manifest,
      target,
      registry: request.registry ?? DEFAULT_REGISTRY,
      push: request.push,
      baseImage: request.baseImage,
      extraTags: request.tags,
      timeoutMs: (request.timeoutSeconds ?? 3600) * 1000,
      templatesDir: packageFile('dockerfiles'),
      onLine: io.log,
    }),
  );
  const file = await writeRecord(
    resultsDirOf(request.resultsDir, io.cwd),
    `build-${target.name}.json`,
    record,
  );
  const size = `${(record.size_bytes / 1e6).toFixed(1)} MB`;
  const cache = record.cache ? `${record.cache.cached}/${record.cache.steps} steps cached` : 'n/a';
  const rows = [
    ['image', `\`${record.image}\``],
    ['pushed', record.pinned ? `\`${record.pinned}\`` : 'no'],
    ['size', `${size}, ${record.layers} layers`],
    ['cache', cache],
    ['took', `${(record.duration_ms / 1000).toFixed(1)} s`],
  ];
  return {
    outputs: {
      image: record.image,
      digest: record.digest ?? '',
      pinned: record.pinned ?? '',
      record: file,
    },
    summary: `## Gantry build: ${manifest.name} ${manifest.version} for ${target.name}\n\n| | |\n| --- | --- |\n${rows.map(([k, v]) => `| ${k} | ${v} |`).join('\n')}\n`,
  };
}
