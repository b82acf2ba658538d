import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../core/manifest/parse-manifest.js';
import { planServing } from '../../core/pipeline/plan-serving.js';

function manifest(targets = '') {
  const parsed = parseManifest(
    `name: acme/chat\nversion: 1.0.0\ntask: llm\nserver: { type: openai, command: [node, server.mjs] }\n${targets}`,
    'model.yml',
    { pathExists: () => true },
  );
  if (!parsed.manifest) throw new Error(JSON.stringify(parsed.diagnostics));
  return parsed.manifest;
}

const here = async () => true;
const nowhere = async () => false;

describe('planServing', () => {
  it('builds the cpu target of the host in Docker when an engine and the base image are there', async () => {
    const plan = await planServing(manifest(), {
      engines: { docker: true },
      arch: 'amd64',
      imageAvailable: here,
    });
    expect(plan).toMatchObject({
      target: 'docker',
      build: { name: 'cpu' },
      baseImage: expect.stringContaining('node'),
    });
    const own = await planServing(manifest(), {
      engines: { docker: true },
      arch: 'amd64',
      baseImage: 'gantry-base/node:bookworm',
      imageAvailable: async (ref) => ref === 'gantry-base/node:bookworm',
    });
    expect(own).toMatchObject({ target: 'docker', baseImage: 'gantry-base/node:bookworm' });
  });

  it('falls back to a local process saying why, unless Docker was asked for', async () => {
    expect(await planServing(manifest(), { engines: { docker: false }, arch: 'amd64' })).toEqual({
      target: 'process',
      reason: 'no container engine here: serving as a local process',
    });
    const noBase = await planServing(manifest(), {
      engines: { docker: true },
      arch: 'amd64',
      imageAvailable: nowhere,
    });
    expect(noBase).toMatchObject({ target: 'process' });
    expect((noBase as { reason: string }).reason).toMatch(
      /^base image \S+ is not here and cannot be pulled \(pass --base-image\): serving as a local process$/,
    );
    const gpuOnly = manifest('targets:\n  - { name: h100, platform: cuda, accelerator: h100 }\n');
    expect(
      await planServing(gpuOnly, { engines: { docker: true }, arch: 'amd64', imageAvailable: here }),
    ).toEqual({
      target: 'process',
      reason:
        'no cpu amd64 target to build here (model.yml has h100 (cuda/amd64)): serving as a local process',
    });
    await expect(
      planServing(manifest(), {
        requested: 'docker',
        engines: { docker: true },
        arch: 'amd64',
        imageAvailable: nowhere,
      }),
    ).rejects.toThrow('cannot serve acme/chat in Docker: base image');
    expect(
      await planServing(manifest(), { requested: 'process', engines: { docker: true }, arch: 'amd64' }),
    ).toEqual({
      target: 'process',
      reason: 'asked for (--target process)',
    });
  });
});
