import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGate } from '../../core/gate/run-gate.js';
import { parseManifest } from '../../core/manifest/parse-manifest.js';
import { EvalResults } from '../../schemas/eval-results.js';
import { runCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';

// A real HTTP model server: /predict upper-cases the text it is given, and answers 500 for "boom".
let server: Server;
let endpoint: string;

beforeAll(async () => {
  server = createServer(async (request, response) => {
    if (request.method !== 'POST') return void response.writeHead(404).end();
    let text = '';
    for await (const chunk of request) text += chunk;
    const { text: input } = JSON.parse(text) as { text: string };
    if (input === 'boom') return void response.writeHead(500).end('exploded');
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(input.toUpperCase()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(() => server.close());

// The user's scoring command: per row, whether the answer equals the reference and how many characters
// its length is off by, plus whether it could see a credential and a file of the model's folder; one
// aggregate of its own (the share correct among answered rows), the rest left for Gantry to average.
const SCORER = `
import { readFileSync } from 'node:fs';
const bonus = Number(readFileSync('bonus.txt', 'utf8'));
const lines = readFileSync(0, 'utf8').trim().split('\\n').map((l) => JSON.parse(l));
let answered = 0, right = 0;
for (const { index, reference, prediction, error } of lines) {
  const correct = error === undefined && prediction === reference ? 1 : 0;
  if (error === undefined) { answered++; right += correct; }
  const off = Math.abs(String(prediction ?? '').length - String(reference).length);
  const saw = process.env.GITHUB_TOKEN || process.env.HF_TOKEN ? 1 : 0;
  console.log(JSON.stringify({ index, scores: { correct, chars_off: off + bonus, saw_credential: saw } }));
}
console.log(JSON.stringify({ metrics: { answered_accuracy: answered ? right / answered : null, failed: 99 } }));
`;

function modelFolder(
  scorer: string,
  metrics = '{ answered_accuracy: higher, chars_off: lower, saw_credential: lower }',
) {
  const dir = tempDir();
  writeFileSync(join(dir, 'model.py'), '');
  writeFileSync(join(dir, 'bonus.txt'), '0');
  writeFileSync(join(dir, 'score.mjs'), scorer);
  writeFileSync(
    join(dir, 'test.jsonl'),
    [
      { id: 'a', input: { text: 'abc' }, reference: 'ABC' },
      { id: 'b', input: { text: 'de' }, reference: 'DEX' },
      { id: 'c', input: { text: 'boom' }, reference: 'BOOM' },
      { id: 'd', input: { text: 'f' }, reference: 'F' },
    ]
      .map((row) => JSON.stringify(row))
      .join('\n'),
  );
  writeFileSync(
    join(dir, 'model.yml'),
    `name: acme/upper\nversion: 1.0.0\ntask: rest\nserver: { type: rest }\nevaluation:\n  house:\n    evaluator: custom\n    dataset: test.jsonl\n    command: node score.mjs\n    metrics: ${metrics}\n`,
  );
  return dir;
}

const evaluate = (dir: string, env: NodeJS.ProcessEnv = {}) =>
  runCli(
    [
      'eval',
      '--endpoint',
      endpoint,
      '--manifest',
      join(dir, 'model.yml'),
      '--suite',
      'house',
      '--format',
      'json',
    ],
    { cwd: tempDir(), env: { PATH: process.env.PATH, ...env } },
  );

describe('custom evaluators: a command of the model repository, JSONL in and out', () => {
  it('scores every row with the command, run in the model folder without credentials; Gantry counts failures', async () => {
    const run = await evaluate(modelFolder(SCORER), { GITHUB_TOKEN: 'ghs_secret', HF_TOKEN: 'hf_secret' });
    expect(run.stderr).not.toMatch(/gantry:/);
    expect(run.code).toBe(0);
    const results = EvalResults.parse(JSON.parse(run.stdout));
    expect(results.evaluator).toEqual({ name: 'custom', version: 1 });
    expect(results.normaliser.name).toBe('none');
    expect(results.suite).toBe('house');
    // answered_accuracy from the command; chars_off and saw_credential averaged over every row by Gantry;
    // failed counted by Gantry, not taken from the command.
    expect(results.metrics).toEqual({
      answered_accuracy: 2 / 3,
      chars_off: (0 + 1 + 4 + 0) / 4,
      saw_credential: 0,
      examples: 4,
      failed: 1,
      failed_rate: 0.25,
    });
    expect(results.examples.map((e) => [e.id, e.prediction, e.scores.correct, e.error ?? null])).toEqual([
      ['a', 'ABC', 1, null],
      ['b', 'DE', 0, null],
      ['c', null, 0, 'HTTP 500: exploded'],
      ['d', 'F', 1, null],
    ]);
  });

  it('stops with a clear error when the command fails or breaks the protocol', async () => {
    const cases: [string, RegExp][] = [
      [
        "console.error('no model named x'); process.exit(3);",
        /the evaluation command of suite "house" \(node score\.mjs\) failed \(exit status 3\):\nno model named x/,
      ],
      ["console.log('accuracy: 1');", /line 1 of its output that is not JSON: accuracy: 1/],
      [
        'console.log(JSON.stringify({ index: 0, scores: { answered_accuracy: 1, chars_off: 0, saw_credential: 0 } }));',
        /gave no scores for rows 1, 2, 3 of 4/,
      ],
      [
        'console.log(JSON.stringify({ metrics: {} })); console.log(JSON.stringify({ metrics: {} }));',
        /wrote a second "metrics" line \(line 2 of its output\)/,
      ],
      [
        "for (const i of [0, 1, 2, 3]) console.log(JSON.stringify({ index: i, scores: { chars_off: 'x' } }));",
        /wrote score "chars_off" of row 0 that is not a number/,
      ],
      [
        'for (const i of [0, 1, 2, 3]) console.log(JSON.stringify({ index: i, scores: { chars_off: 1, saw_credential: 0 } }));',
        /reported metric "answered_accuracy" neither in a \{"metrics": …\} line nor in the scores of every row \(row 0 lacks it\)/,
      ],
    ];
    for (const [scorer, message] of cases) {
      const run = await evaluate(modelFolder(scorer));
      expect(run.code, scorer).toBe(2);
      expect(run.stderr, scorer).toMatch(message);
    }
    const dir = modelFolder(SCORER);
    writeFileSync(
      join(dir, 'model.yml'),
      'name: acme/upper\nversion: 1.0.0\ntask: rest\nserver: { type: rest }\nevaluation:\n  house: { evaluator: custom, dataset: test.jsonl, command: [./no-such-scorer], metrics: { x: lower } }\n',
    );
    const missing = await evaluate(dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(
      /cannot run the evaluation command of suite "house" \(\.\/no-such-scorer\): \.\/no-such-scorer was not found/,
    );
  });

  it('gates on a custom metric the way its suite says is better, example by example', async () => {
    const dir = modelFolder(SCORER);
    writeFileSync(
      join(dir, 'model.yml'),
      `${readFileSync(join(dir, 'model.yml'), 'utf8')}gates:\n  rules:\n    - { metric: chars_off, suite: house, absolute: 0.5 }\n`,
    );
    const parsed = parseManifest(readFileSync(join(dir, 'model.yml'), 'utf8'), 'model.yml', {
      pathExists: () => true,
    });
    expect(parsed.diagnostics).toEqual([]);
    const candidate = EvalResults.parse(JSON.parse((await evaluate(dir)).stdout));
    // The baseline version was off by nothing on every row.
    const baseline = structuredClone(candidate);
    for (const example of baseline.examples) example.scores.chars_off = 0;
    const verdict = runGate({ candidate: [candidate], baseline: [baseline], manifest: parsed.manifest! });
    expect(verdict.rules).toHaveLength(1);
    expect(verdict.rules[0]).toMatchObject({ metric: 'chars_off', suite: 'house', direction: 'lower' });
    expect(verdict.rules[0]!.change!.estimate).toBeCloseTo(1.25);
  });

  it('refuses --evaluator custom without a suite, saying where the command goes', async () => {
    const dir = modelFolder(SCORER);
    const run = await runCli([
      'eval',
      '--endpoint',
      endpoint,
      '--evaluator',
      'custom',
      '--dataset',
      join(dir, 'test.jsonl'),
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/a custom evaluator is a command named in model\.yml: define a suite/);
  });
});
