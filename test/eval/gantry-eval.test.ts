import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../core/deploy/free-port.js';
import { EvalResults } from '../../schemas/eval-results.js';
import { runCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';

// A real HTTP model server: /predict classifies by a threshold, answers 500 for x < 0, stalls for x > 100.
let server: Server;
let endpoint: string;

async function body(request: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of request) text += chunk;
  return text;
}

beforeAll(async () => {
  server = createServer(async (request, response) => {
    if (request.url !== '/predict') {
      response.writeHead(404).end();
      return;
    }
    const { x } = JSON.parse(await body(request)) as { x: number };
    if (x < 0) return void response.writeHead(500).end('negative input');
    if (x > 100) return; // never answers
    response
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ label: x >= 5 ? 'high' : 'low' }));
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${port}`;
});

afterAll(() => {
  server.closeAllConnections();
  server.close();
});

function dataset(rows: unknown[]): string {
  const file = join(tempDir(), 'test.jsonl');
  writeFileSync(file, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
  return file;
}

describe('gantry eval', () => {
  it('scores every row, keeping failures and timeouts as counted wrong answers', async () => {
    const file = dataset([
      { id: 'a', input: { x: 1 }, label: 'low' },
      { id: 'b', input: { x: 7 }, label: 'high' },
      { id: 'c', input: { x: 6 }, label: 'low' },
      { id: 'd', input: { x: -1 }, label: 'low' },
      { id: 'e', input: { x: 500 }, label: 'high' },
    ]);
    const out = join(tempDir(), 'results.json');
    const outputs = join(tempDir(), 'outputs.jsonl');
    const run = await runCli([
      'eval',
      '--endpoint',
      endpoint,
      '--evaluator',
      'accuracy',
      '--dataset',
      file,
      '--timeout',
      '1',
      '--out',
      out,
      '--outputs',
      outputs,
      '--format',
      'json',
    ]);
    expect(run.code).toBe(0);
    const results = EvalResults.parse(JSON.parse(run.stdout));
    expect(results.metrics).toMatchObject({
      accuracy: 0.4,
      correct: 2,
      examples: 5,
      failed: 2,
      failed_rate: 0.4,
    });
    expect(results.examples.map((e) => [e.id, e.scores.correct, e.error ?? null])).toEqual([
      ['a', 1, null],
      ['b', 1, null],
      ['c', 0, null],
      ['d', 0, 'HTTP 500: negative input'],
      ['e', 0, 'timed out after 1000 ms'],
    ]);
    expect(results.dataset.rows).toBe(5);
    expect(results.dataset.sha256).toMatch(/^[a-f0-9]{64}$/);
    expect(JSON.parse(run.stdout)).toEqual(JSON.parse((await import('node:fs')).readFileSync(out, 'utf8')));
    const answers = (await import('node:fs'))
      .readFileSync(outputs, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(answers[1]).toEqual({ id: 'b', prediction: { label: 'high' } });
    expect(answers[3]).toEqual({ id: 'd', prediction: null, error: 'HTTP 500: negative input' });
  }, 20_000);

  it("reaches a model on a port Node's fetch refuses (6000, X11's)", async () => {
    // Servers pick such ports too; a client that cannot reach them cannot evaluate them.
    const blocked = createServer((_, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ label: 'low' }));
    });
    const listening = await new Promise<boolean>((resolve) => {
      blocked.once('error', () => resolve(false));
      blocked.listen(6000, '127.0.0.1', () => resolve(true));
    });
    if (!listening) return void console.warn('port 6000 is taken here: nothing to show');
    try {
      const file = dataset([{ id: 'a', input: { x: 1 }, label: 'low' }]);
      const run = await runCli([
        'eval',
        '--endpoint',
        'http://127.0.0.1:6000',
        '--evaluator',
        'accuracy',
        '--dataset',
        file,
        '--format',
        'json',
      ]);
      expect(run.code, run.stderr).toBe(0);
      expect(EvalResults.parse(JSON.parse(run.stdout)).metrics).toMatchObject({ accuracy: 1, failed: 0 });
    } finally {
      blocked.closeAllConnections();
      blocked.close();
    }
  });

  it('reports every malformed dataset line before sending anything', async () => {
    const file = join(tempDir(), 'bad.jsonl');
    writeFileSync(file, '{"input": {"x": 1}, "label": "low"}\n{"input": \n[1, 2]\n{"label": "low"}\n');
    const run = await runCli(['eval', '--endpoint', endpoint, '--evaluator', 'accuracy', '--dataset', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/bad\.jsonl:2: not valid JSON/);
    expect(run.stderr).toMatch(/bad\.jsonl:3: each line must be a JSON object/);

    writeFileSync(file, '{"input": {"x": 1}}\n{"label": "low"}\n');
    const missing = await runCli([
      'eval',
      '--endpoint',
      endpoint,
      '--evaluator',
      'accuracy',
      '--dataset',
      file,
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      'bad.jsonl:1: accuracy needs the expected answer in "label" or "expected"',
    );
    expect(missing.stderr).toContain(
      'bad.jsonl:2: needs one of "audio", "messages", "prompt", "input" to send to the model',
    );
  });

  it('fails clearly when the endpoint cannot be reached', async () => {
    const file = dataset([{ input: { x: 1 }, label: 'low' }]);
    const port = await freePort();
    const run = await runCli([
      'eval',
      '--endpoint',
      `http://127.0.0.1:${port}`,
      '--evaluator',
      'accuracy',
      '--dataset',
      file,
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`gantry: cannot reach http://127.0.0.1:${port}: ECONNREFUSED\n`);
  });

  it('takes the evaluator, dataset and normaliser from a suite of model.yml', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'test.jsonl'), '{"input": {"x": 9}, "label": "high"}\n');
    writeFileSync(join(dir, 'model.py'), '');
    writeFileSync(
      join(dir, 'model.yml'),
      'name: acme/thresh\nversion: 1.0.0\ntask: rest\nserver: { type: rest }\nevaluation:\n  holdout: { evaluator: accuracy, dataset: test.jsonl }\n',
    );
    const run = await runCli([
      'eval',
      '--endpoint',
      endpoint,
      '--manifest',
      join(dir, 'model.yml'),
      '--suite',
      'holdout',
      '--format',
      'json',
    ]);
    expect(run.code).toBe(0);
    const results = EvalResults.parse(JSON.parse(run.stdout));
    expect(results).toMatchObject({
      suite: 'holdout',
      model: { name: 'acme/thresh', version: '1.0.0' },
      metrics: { accuracy: 1 },
    });
    const unknown = await runCli([
      'eval',
      '--endpoint',
      endpoint,
      '--manifest',
      join(dir, 'model.yml'),
      '--suite',
      'hold',
    ]);
    expect(unknown.stderr).toContain('no evaluation suite "hold"');
    expect(unknown.stderr).toContain('it has: holdout');
  });
});
