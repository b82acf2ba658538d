import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GitHubSimulator } from '../github-simulator/github-simulator.js';
import { AppHarness } from './app-harness.js';
import { pullRequestOpened } from './results-fixtures.js';

const REPO = 'Codertocat/Hello-World';

const harness = new AppHarness();
let simulator: GitHubSimulator;
let webhookUrl: string;
const deliver = (event: string, payload: unknown) => harness.deliver(event, payload);

beforeAll(async () => {
  await harness.start();
  simulator = harness.simulator;
  webhookUrl = `${harness.url}/`;
}, 30_000);

afterAll(() => harness.stop());

const VALID =
  'name: acme/chat\nversion: 1.0.0\ntask: llm\nserver:\n  type: openai\n  command: [node, server.mjs]\n';

describe('the gantry/manifest check', () => {
  it('annotates every problem of a changed manifest on its line, once per head commit', async () => {
    const broken =
      'name: acme/asr\nversion: v2\ntask: asr\nserver:\n  type: asr\n  comand: [python3, server.py]\nbenchmark:\n  default: { kind: asr, dataset: eval/missing.jsonl }\n';
    const head = simulator.commit(REPO, {
      'models/chat/model.yml': VALID,
      'models/asr/model.yml': broken,
      'README.md': '# models',
    });
    simulator.pullRequest(REPO, 7, head, ['models/asr/model.yml', 'models/chat/model.yml', 'README.md']);

    expect(await deliver('pull_request', pullRequestOpened(7, head))).toBe(200);
    const runs = simulator.repository(REPO).checkRuns.filter((r) => r.head_sha === head);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ name: 'gantry/manifest', status: 'completed', conclusion: 'failure' });
    expect(runs[0]!.output.title).toBe('3 problems in 1 of 2 manifests');
    expect(runs[0]!.annotations).toEqual([
      expect.objectContaining({
        path: 'models/asr/model.yml',
        start_line: 2,
        start_column: 10,
        message: 'must be a semantic version like 1.2.0 (no leading "v")',
      }),
      expect.objectContaining({
        path: 'models/asr/model.yml',
        start_line: 6,
        message: 'unknown field "comand" (did you mean "command"?)',
      }),
      expect.objectContaining({
        path: 'models/asr/model.yml',
        start_line: 8,
        message: expect.stringContaining('"eval/missing.jsonl" does not exist'),
      }),
    ]);

    // A redelivery, or the same event again, leaves the one check run as it is.
    expect(await deliver('pull_request', pullRequestOpened(7, head))).toBe(200);
    expect(simulator.repository(REPO).checkRuns.filter((r) => r.head_sha === head)).toHaveLength(1);
    expect(simulator.violations).toEqual([]);
  });

  it('passes a pull request whose manifests are valid, and refuses unsigned deliveries', async () => {
    const head = simulator.commit(REPO, { 'model.yml': VALID });
    simulator.pullRequest(REPO, 8, head, ['model.yml']);
    expect(await deliver('pull_request', pullRequestOpened(8, head))).toBe(200);
    const run = simulator.repository(REPO).checkRuns.find((r) => r.head_sha === head)!;
    expect(run).toMatchObject({ conclusion: 'success', output: { title: '1 manifest valid' } });

    const forged = await fetch(webhookUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'pull_request',
        'x-github-delivery': randomUUID(),
        'x-hub-signature-256': 'sha256=00',
      },
      body: JSON.stringify(pullRequestOpened(9, head)),
    });
    expect(forged.status).toBeGreaterThanOrEqual(400);
    expect(simulator.violations).toEqual([]);
  });

  it('sends more than 50 annotations in batches, as GitHub requires', async () => {
    const rules = Array.from({ length: 60 }, (_, i) => `  - { metric: nope_${i}, relative: 0.1 }`).join('\n');
    const head = simulator.commit(REPO, {
      'model.yml': `${VALID}benchmark:\n  chat: { kind: openai-chat }\ngates:\n  rules:\n${rules}\n`,
    });
    simulator.pullRequest(REPO, 10, head, ['model.yml']);
    expect(await deliver('pull_request', pullRequestOpened(10, head))).toBe(200);
    const run = simulator.repository(REPO).checkRuns.find((r) => r.head_sha === head)!;
    expect(run).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(run.annotations).toHaveLength(60);
    expect(simulator.violations).toEqual([]);
  });
});
