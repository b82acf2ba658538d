import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BuildProgress } from '../../core/build/build-progress.js';
import { buildableOn } from '../../core/build/host-support.js';
import { fillTemplate } from '../../core/build/render-dockerfile.js';
import { chooseBaseImage, findTarget, selectTemplate } from '../../core/build/select-template.js';
import { SERVER_TEMPLATES, TEMPLATE_PLATFORMS } from '../../core/build/templates.js';
import { GantryError } from '../../core/errors.js';
import { SERVER_TYPES } from '../../schemas/model-manifest.js';
import { manifestFor } from './manifest-for.js';

const rest = manifestFor({
  server: { type: 'rest' },
  targets: [
    { name: 'cpu', platform: 'cpu' },
    { name: 'arm', platform: 'cpu', arch: 'arm64' },
    { name: 'gaudi', platform: 'gaudi' },
    { name: 'rocm-arm', platform: 'cuda', arch: 'arm64' },
    { name: 'own', platform: 'cpu', dockerfile: 'Dockerfile' },
    { name: 'based', platform: 'cpu', base_image: 'acme/python:3.12' },
  ],
});

function errorOf(run: () => unknown): GantryError {
  try {
    run();
  } catch (error) {
    if (error instanceof GantryError) return error;
    throw error;
  }
  throw new Error('expected a GantryError');
}

describe('template selection', () => {
  it('picks the template of the server type and the column of the platform and architecture', () => {
    const cpu = selectTemplate(rest, findTarget(rest, 'cpu'));
    expect(cpu).toMatchObject({ kind: 'template', file: 'rest.Dockerfile', platform: 'cpu-amd64' });
    expect(selectTemplate(rest, findTarget(rest, 'arm'))).toMatchObject({ platform: 'cpu-arm64' });
    expect(selectTemplate(rest, findTarget(rest, 'gaudi'))).toMatchObject({
      platform: 'gaudi',
      env: expect.objectContaining({ HABANA_VISIBLE_DEVICES: 'all' }),
    });
  });

  it('uses the target’s own Dockerfile when it names one', () => {
    expect(selectTemplate(rest, findTarget(rest, 'own'))).toEqual({ kind: 'own', dockerfile: 'Dockerfile' });
  });

  it('names the known targets when asked for an unknown one', () => {
    const error = errorOf(() => findTarget(rest, 'h100'));
    expect(error.code).toBe('unknown_target');
    expect(error.exitCode).toBe(1);
    expect(error.message).toContain('cpu, arm, gaudi');
  });

  it('says why a pair has no template, and what to do instead', () => {
    const vllm = manifestFor({
      task: 'llm',
      server: { type: 'vllm' },
      targets: [{ name: 'g', platform: 'gaudi' }],
    });
    const error = errorOf(() => selectTemplate(vllm, vllm.targets[0]!));
    expect(error.code).toBe('no_template');
    expect(error.message).toMatch(/no vllm template for gaudi \(vLLM for Gaudi is a fork.*dockerfile:/);
    expect(errorOf(() => selectTemplate(rest, findTarget(rest, 'rocm-arm'))).message).toContain(
      'no arm64 template for cuda',
    );
  });

  it('gives a Node command a Node base image on CPU only', () => {
    const node = manifestFor({
      task: 'llm',
      server: { type: 'openai', command: ['node', 'server.mjs'] },
      targets: [
        { name: 'cpu', platform: 'cpu' },
        { name: 'cuda', platform: 'cuda' },
      ],
    });
    expect(selectTemplate(node, node.targets[0]!)).toMatchObject({
      defaultBaseImage: 'node:20-bookworm-slim',
    });
    expect(selectTemplate(node, node.targets[1]!)).toMatchObject({
      defaultBaseImage: SERVER_TEMPLATES.openai.platforms.cuda.supported
        ? SERVER_TEMPLATES.openai.platforms.cuda.baseImage
        : '',
    });
  });

  it('takes the base image from the command line, then model.yml, then the template', () => {
    const based = findTarget(rest, 'based');
    const selection = selectTemplate(rest, based);
    expect(chooseBaseImage(selection, based, 'local/python')).toBe('local/python');
    expect(chooseBaseImage(selection, based, undefined)).toBe('acme/python:3.12');
    expect(chooseBaseImage(selection, findTarget(rest, 'cpu'), undefined)).toBe('python:3.12-slim-bookworm');
  });

  it('pins every default base image to a tag, never a floating one alone', () => {
    for (const type of SERVER_TYPES) {
      for (const platform of TEMPLATE_PLATFORMS) {
        const cell = SERVER_TEMPLATES[type].platforms[platform];
        if (!cell.supported) continue;
        expect(cell.baseImage, `${type} on ${platform}`).toMatch(/^[a-z0-9./-]+(:[\w.-]+)$/);
        // "latest" only where the registry path itself carries the release (Habana's vault).
        if (cell.baseImage.endsWith(':latest')) expect(cell.baseImage).toMatch(/\/\d+\.\d+\.\d+\//);
      }
    }
  });

  it('documents the same table in dockerfiles/README.md', () => {
    const readme = readFileSync(new URL('../../dockerfiles/README.md', import.meta.url), 'utf8');
    for (const type of SERVER_TYPES) {
      const row = readme.split('\n').find((line) => line.startsWith(`| ${type} |`));
      expect(row, `README row for ${type}`).toBeDefined();
      const cells = row!
        .split('|')
        .slice(2, 2 + TEMPLATE_PLATFORMS.length)
        .map((c) => c.trim());
      TEMPLATE_PLATFORMS.forEach((platform, i) => {
        const supported = SERVER_TEMPLATES[type].platforms[platform].supported;
        expect(cells[i] === '—', `${type} on ${platform}`).toBe(!supported);
      });
    }
  });
});

describe('template filling', () => {
  it('fills placeholders and refuses one without a value', () => {
    expect(fillTemplate('FROM {{base}}', { base: 'x' })).toBe('FROM x');
    expect(() => fillTemplate('FROM {{base}} {{other}}', { base: 'x' })).toThrow('{{other}}');
  });
});

describe('host support', () => {
  const target = (arch: 'amd64' | 'arm64') => ({ ...rest.targets[0]!, arch });
  it('builds the host’s own architecture, and another one only with emulation', () => {
    expect(buildableOn(target('amd64'), { arch: 'amd64', emulated: [] })).toEqual({ ok: true });
    expect(buildableOn(target('arm64'), { arch: 'amd64', emulated: ['arm64'] })).toEqual({ ok: true });
    const no = buildableOn(target('arm64'), { arch: 'amd64', emulated: [] });
    expect(no).toMatchObject({
      ok: false,
      reason: expect.stringContaining('arm64 on an amd64 host without emulation'),
    });
  });
});

describe('build progress', () => {
  it('follows BuildKit steps, counts cache hits and finds the failing step', () => {
    const progress = new BuildProgress();
    const log = [
      '#1 [internal] load build definition from Dockerfile',
      '#4 [deps 1/3] FROM docker.io/library/python',
      '#5 [deps 2/3] COPY model/model.yml /gantry/deps/',
      '#5 CACHED',
      '#6 [stage-1 2/7] RUN make',
      '#6 0.2 + make',
      '#6 ERROR: process "/bin/sh -c make" did not complete successfully: exit code: 2',
    ];
    const shown = log.map((line) => progress.push(line)).filter(Boolean);
    expect(shown).toEqual([
      '[deps 1/3] FROM docker.io/library/python',
      '[deps 2/3] COPY model/model.yml /gantry/deps/',
      '[stage-1 2/7] RUN make',
    ]);
    expect(progress.cache()).toEqual({ steps: 2, cached: 1 });
    expect(progress.failedStep()).toBe('[stage-1 2/7] RUN make');
  });

  it('follows the classic builder too', () => {
    const progress = new BuildProgress();
    for (const line of ['Step 1/3 : FROM x', 'Step 2/3 : RUN a', ' ---> Using cache', 'Step 3/3 : RUN b'])
      progress.push(line);
    expect(progress.cache()).toEqual({ steps: 3, cached: 1 });
    expect(progress.failedStep()).toBe('[3/3] RUN b');
  });
});
