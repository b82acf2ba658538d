import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wavSeconds } from '../../core/bench/audio-clips.js';
import { freePort } from '../../core/deploy/free-port.js';
import { BenchResults } from '../../schemas/bench-results.js';
import { runCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';

/** A 16 kHz mono 16-bit WAV of silence lasting `seconds`. */
function wav(seconds: number): Buffer {
  const data = Math.round(seconds * 16_000) * 2;
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data, 4);
  header.write('WAVEfmt ', 8, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(16_000, 24);
  header.writeUInt32LE(32_000, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data, 40);
  return Buffer.concat([header, Buffer.alloc(data)]);
}

// A transcription server that checks the upload is a real multipart form and takes 50 ms per request.
let server: Server;
let endpoint: string;
const uploads: { fileBytes: number; fields: string[] }[] = [];

beforeAll(async () => {
  server = createServer(async (request, response) => {
    if (request.method !== 'POST') {
      response.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const form = await new Response(Buffer.concat(chunks), {
      headers: { 'content-type': request.headers['content-type']! },
    }).formData();
    const file = form.get('file') as File;
    uploads.push({ fileBytes: file.size, fields: [...form.keys()].sort() });
    setTimeout(
      () => response.writeHead(200, { 'content-type': 'application/json' }).end('{"text":"hello"}'),
      50,
    );
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${port}`;
});

afterAll(() => server.close());

/** `gantry bench --kind asr` against the server, on the dataset audio.jsonl of `dir`, run in `dir`. */
const benchAsr = (dir: string, ...flags: string[]) =>
  runCli(
    ['bench', '--endpoint', endpoint, '--kind', 'asr', '--dataset', join(dir, 'audio.jsonl'), ...flags],
    {
      cwd: dir,
    },
  );

describe('asr benchmarks', () => {
  it('read the duration of a WAV file from its header', () => {
    expect(wavSeconds(wav(2.5))).toBeCloseTo(2.5, 6);
    expect(wavSeconds(Buffer.from('not audio at all'))).toBeUndefined();
  });

  it('upload every clip as a form and report latency and real-time factor', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'clips'));
    writeFileSync(join(dir, 'clips/a.wav'), wav(1));
    writeFileSync(join(dir, 'clips/b.wav'), wav(2));
    writeFileSync(join(dir, 'audio.jsonl'), '{"audio": "clips/a.wav"}\n{"audio": "clips/b.wav"}\n');
    const run = await benchAsr(
      dir,
      '--concurrency',
      '2',
      '--target',
      'cpu',
      '--requests',
      '20',
      '--format',
      'json',
    );
    expect(run.code).toBe(0);
    const results = BenchResults.parse(JSON.parse(run.stdout));
    expect(results.summary.completed).toBe(20);
    expect(results.target).toBe('cpu');
    expect(uploads.at(-1)!.fields).toEqual(['file', 'model', 'response_format']);
    expect(new Set(uploads.map((u) => u.fileBytes))).toEqual(new Set([44 + 32_000, 44 + 64_000]));
    expect(new Set(results.samples.map((s) => s.audio_s))).toEqual(new Set([1, 2]));
    for (const s of results.samples) {
      expect(s.end_ms - s.sent_ms).toBeGreaterThanOrEqual(49);
    }
    // RTF = latency / audio duration: about 0.05 for the 1 s clips and 0.025 for the 2 s ones.
    expect(results.summary.rtf!.p50).toBeGreaterThan(0.02);
    expect(results.summary.rtf!.p50).toBeLessThan(0.2);
  });

  it('name the rows whose audio file is missing', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'audio.jsonl'), '{"audio": "nowhere.wav"}\n');
    const run = await benchAsr(dir, '--requests', '1');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('row 1: cannot read audio file nowhere.wav (ENOENT)');
  });
});
