import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BenchResults } from '../../schemas/bench-results.js';
import { runCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';

const MODEL = 'tiny-embed';
const DIMENSIONS = 8;
const DELAY_MS = 20;

/** A deterministic embedding: the first bytes of the text's SHA-256, scaled to [-1, 1]. */
function embed(text: string): number[] {
  const digest = createHash('sha256').update(text).digest();
  return Array.from(digest.subarray(0, DIMENSIONS), (byte) => byte / 127.5 - 1);
}

// An OpenAI-compatible embeddings server: lists its model, answers POST /v1/embeddings for a string or a
// batch of strings after DELAY_MS, and refuses requests that do not name its model.
let server: Server;
let endpoint: string;
const batches: number[] = [];

beforeAll(async () => {
  server = createServer(async (request, response) => {
    const reply = (status: number, body: unknown) =>
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (request.method === 'GET' && request.url === '/v1/models')
      return reply(200, { object: 'list', data: [{ id: MODEL, object: 'model' }] });
    if (request.method !== 'POST' || request.url !== '/v1/embeddings')
      return reply(404, { error: { message: 'not found' } });
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString()) as { model?: string; input?: unknown };
    if (body.model !== MODEL) return reply(404, { error: { message: `no model ${body.model}` } });
    const inputs = (Array.isArray(body.input) ? body.input : [body.input]) as string[];
    batches.push(inputs.length);
    const tokens = inputs.reduce((n, text) => n + text.split(' ').length, 0);
    setTimeout(
      () =>
        reply(200, {
          object: 'list',
          model: MODEL,
          data: inputs.map((text, index) => ({ object: 'embedding', index, embedding: embed(text) })),
          usage: { prompt_tokens: tokens, total_tokens: tokens },
        }),
      DELAY_MS,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(() => server.close());

const benchEmbeddings = (...flags: string[]) =>
  runCli(['bench', '--endpoint', endpoint, '--kind', 'embeddings', ...flags]);

describe('embeddings benchmarks against an OpenAI-compatible server (real HTTP)', () => {
  it('reports requests/s, inputs/s (batches counted input by input) and latency in the results file', async () => {
    const dir = tempDir();
    const dataset = join(dir, 'sentences.jsonl');
    // Rows of one input and rows of a batch of three: two inputs per request on average.
    const rows = Array.from({ length: 6 }, (_, i) =>
      i % 2 === 0 ? { input: `sentence ${i}` } : { input: [`a ${i}`, `b ${i}`, `c ${i}`] },
    );
    writeFileSync(dataset, `${rows.map((row) => JSON.stringify(row)).join('\n')}\n`);
    const out = join(dir, 'results.json');
    batches.length = 0;
    const run = await benchEmbeddings(
      '--dataset',
      dataset,
      '--concurrency',
      '4',
      '--requests',
      '60',
      '--out',
      out,
    );
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/inputs\/s \d/);
    const results = BenchResults.parse(JSON.parse(readFileSync(out, 'utf8')));
    const s = results.summary;
    expect(results.path).toBe('/v1/embeddings');
    expect(s.completed).toBe(60);
    expect(s.failed).toBe(0);
    // Row i of the dataset went as request i; four in flight may reach the server in any order.
    const expected = Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? 1 : 3));
    expect(results.samples.map((r) => r.inputs)).toEqual(expected);
    expect([...batches].sort()).toEqual([...expected].sort());
    // Four requests in flight, each DELAY_MS at the server: at most 4 / DELAY_MS requests/s; a busy
    // runner may make it slower, never faster. Inputs are two per request on average, over the same window.
    expect(s.requests_per_s).toBeLessThanOrEqual(4 / (DELAY_MS / 1000));
    expect(s.requests_per_s).toBeGreaterThan(0.4 * (4 / (DELAY_MS / 1000)));
    expect(s.inputs_per_s).toBeCloseTo(2 * s.requests_per_s, 6);
    expect(s.latency_ms!.n).toBe(60);
    expect(s.latency_ms!.p50).toBeGreaterThanOrEqual(DELAY_MS);
    expect(s.latency_ms!.p50).toBeLessThan(DELAY_MS + 25);
    expect(s.ttft_ms).toBeUndefined();
  });

  it('counts a server that answers something other than embeddings JSON as failures, not as speed', async () => {
    const run = await benchEmbeddings('--path', '/v1/nothing', '--requests', '5', '--format', 'json');
    expect(run.code).toBe(0);
    const results = BenchResults.parse(JSON.parse(run.stdout));
    expect(results.summary.completed).toBe(0);
    expect(results.summary.errors).toEqual({ http_404: 5 });
    expect(results.summary.requests_per_s).toBe(0);
  });
});
