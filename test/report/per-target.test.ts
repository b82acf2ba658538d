import { describe, expect, it } from 'vitest';
import { runGate } from '../../core/gate/run-gate.js';
import { parseManifest } from '../../core/manifest/parse-manifest.js';
import { prComment } from '../../core/report/pr-comment.js';
import { benchRuns } from '../support/results-factory.js';

const manifest = parseManifest(
  [
    'name: acme/chat',
    'version: 1.3.0',
    'task: llm',
    'server: { type: openai, command: x }',
    'targets:',
    '  - { name: cuda-h100, platform: cuda, accelerator: h100 }',
    '  - { name: cpu, platform: cpu }',
    'benchmark:',
    '  chat: { kind: openai-chat }',
    'gates:',
    '  rules:',
    '    - { metric: ttft_ms.p95, relative: 0.10 }',
    '',
  ].join('\n'),
  'model.yml',
  { pathExists: () => true },
).manifest!;

/** Five runs of each target; only the H100 image of the candidate got slower. */
function versions() {
  const side = (seed: number, gpuFactor: number) => [
    ...benchRuns(5, {
      seed,
      factor: gpuFactor,
      target: 'cuda-h100',
      gpu: 'NVIDIA H100 80GB HBM3',
      noise: 0.02,
    }),
    ...benchRuns(5, { seed: seed + 50, target: 'cpu', noise: 0.02 }),
  ];
  return { candidate: side(1, 1.4), baseline: side(2, 1) };
}

describe('results of several hardware targets', () => {
  it('are gated target by target', () => {
    const verdict = runGate({ ...versions(), manifest });
    expect(verdict.rules.map((r) => [r.target, r.profile, r.verdict])).toEqual([
      ['cuda-h100', 'chat', 'fail'],
      ['cpu', 'chat', 'pass'],
    ]);
    expect(verdict.rules[0]!.candidate.runs).toBe(5);
  });

  it('get one table each in the PR comment', () => {
    const { candidate, baseline } = versions();
    const verdict = runGate({ candidate, baseline, manifest });
    const comment = prComment({
      model: 'acme/chat',
      candidateVersion: '1.3.0',
      baselineVersion: '1.2.0',
      verdict,
      candidate,
      baseline,
    });
    const headings = comment
      .split('\n')
      .filter((line) => line.startsWith('### ') && line.endsWith('performance'));
    expect(headings).toEqual(['### cuda-h100 · chat · performance', '### cpu · chat · performance']);
    expect(comment).toContain('**`ttft_ms.p95`** (cuda-h100 · chat)');
  });
});
