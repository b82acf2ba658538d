import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../core/manifest/parse-manifest.js';

const exists = { pathExists: () => true };

function parse(text: string) {
  return parseManifest(text, 'model.yml', exists);
}

describe('parseManifest', () => {
  it('accepts a six-line manifest and fills in every default', () => {
    const { manifest, diagnostics } = parse(
      'name: acme/chat\nversion: 1.0.0\ntask: llm\nserver:\n  type: openai\n  command: [node, server.mjs]\n',
    );
    expect(diagnostics).toEqual([]);
    expect(manifest?.server).toMatchObject({
      port: 8000,
      health: '/health',
      startup_timeout_s: 300,
      args: [],
    });
    expect(manifest?.targets).toEqual([
      { name: 'cpu', platform: 'cpu', arch: 'amd64', gpus: 0, build_args: {}, 'runs-on': ['ubuntu-latest'] },
    ]);
    expect(manifest?.gates).toEqual({ baseline: 'production', confidence: 0.95, run_noise: 0.05 });
    expect(Object.keys(manifest?.environments ?? {})).toEqual(['staging', 'production']);
    expect(manifest?.environments.production?.approvals).toBe(1);
  });

  it('derives runner labels and accelerator counts from the platform', () => {
    const { manifest } = parse(
      [
        'name: acme/llm',
        'version: 2.0.0-rc.1',
        'task: llm',
        'server: { type: vllm }',
        'targets:',
        '  - { name: h100, platform: cuda, accelerator: h100 }',
        '  - { name: graviton, platform: cpu, arch: arm64 }',
        '  - { name: mine, platform: rocm, runs-on: arc-mi300 }',
      ].join('\n'),
    );
    expect(manifest?.targets.map((t) => [t.gpus, t['runs-on']])).toEqual([
      [1, ['self-hosted', 'linux', 'x64', 'cuda', 'h100']],
      [0, ['ubuntu-24.04-arm']],
      [1, ['arc-mi300']],
    ]);
  });

  it('gives each server type its own port and health path unless the manifest says otherwise', () => {
    const server = (type: string, extra = '') =>
      parse(`name: m\nversion: 1.0.0\ntask: rest\nserver:\n  type: ${type}\n${extra}`).manifest?.server;
    expect(server('rest')).toMatchObject({ port: 8080, health: '/status', model: 'model.py' });
    expect(server('tgi')).toMatchObject({ port: 80, health: '/health' });
    expect(server('triton')).toMatchObject({ health: '/v2/health/ready' });
    expect(server('tgi', '  port: 3000\n  health: /ready\n')).toMatchObject({ port: 3000, health: '/ready' });
  });

  it('asks whether referenced files exist, relative to the manifest', () => {
    const asked: string[] = [];
    parseManifest(
      'name: m\nversion: 1.0.0\ntask: rest\nserver: { type: rest, model: src/model.py }\nweights: { source: baked, path: w.json }\n',
      'model.yml',
      {
        pathExists: (p) => {
          asked.push(p);
          return true;
        },
      },
    );
    expect(asked.sort()).toEqual(['src/model.py', 'w.json']);
  });

  it('does not expand YAML alias bombs', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      ...'bcdefghij'.split('').map((c, i) => {
        const prev = 'abcdefghij'[i]!;
        return `${c}: &${c} [*${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}]`;
      }),
    ].join('\n');
    const { diagnostics } = parse(bomb);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]?.message).toMatch(/alias/i);
  });
});
