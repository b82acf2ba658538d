import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alignEdits, type EditCounts, errorRate, sumEdits } from '../../core/eval/edit-distance.js';
import { TEXT_NORMALISERS } from '../../core/eval/text-normalisers.js';
import { services, serviceUnavailable } from '../support/services.js';
import { type ListeningProcess, startListening } from '../support/start-listening.js';

const EXAMPLE = join(import.meta.dirname, '..', '..', 'examples', 'speech-asr');
const INSTALL = 'apt-get install pocketsphinx pocketsphinx-en-us espeak-ng sox';
const skip =
  serviceUnavailable('pocketsphinx', services.pocketsphinx(), INSTALL) ||
  serviceUnavailable('espeak-ng', services.espeakNg(), INSTALL);

interface Row {
  audio: string;
  reference: string;
}

const english = TEXT_NORMALISERS.english;
const words = (text: string) => english.normalise(text).split(' ').filter(Boolean);
const edits = (reference: string, hypothesis: string): EditCounts =>
  alignEdits(words(reference), words(hypothesis));

async function transcribe(url: string, audio: Buffer, format: 'json' | 'text' = 'json'): Promise<Response> {
  const form = new FormData();
  form.append('file', new Blob([audio], { type: 'audio/wav' }), 'speech.wav');
  form.append('model', 'speech-asr');
  form.append('response_format', format);
  return fetch(`${url}/v1/audio/transcriptions`, { method: 'POST', body: form });
}

async function text(url: string, audio: Buffer): Promise<string> {
  const response = await transcribe(url, audio);
  expect(response.status).toBe(200);
  return ((await response.json()) as { text: string }).text;
}

/** Corpus WER (total edits / total reference words) of one server over the whole evaluation set. */
async function corpusWer(url: string, rows: Row[]): Promise<number> {
  const all: EditCounts[] = [];
  for (let i = 0; i < rows.length; i += 2) {
    const pair = rows.slice(i, i + 2);
    const heard = await Promise.all(
      pair.map((row) => text(url, readFileSync(join(EXAMPLE, 'eval', row.audio)))),
    );
    pair.forEach((row, j) => {
      all.push(edits(row.reference, heard[j]!));
    });
  }
  return errorRate(sumEdits(all))!;
}

describe.skipIf(skip)('examples/speech-asr recognises espeak-ng speech with pocketsphinx', () => {
  let rows: Row[];
  let accurate: ListeningProcess;
  let fast: ListeningProcess;
  const start = (profile: string) =>
    startListening(
      'python3',
      ['-B', 'server.py', '--host', '127.0.0.1', '--port', '0', '--profile', profile],
      {
        cwd: EXAMPLE,
        env: { ASR_CONCURRENCY: '1' },
      },
    );

  beforeAll(async () => {
    // The audio is not committed: the script speaks the sentences again, the same bytes every time.
    execFileSync('python3', ['-B', join(EXAMPLE, 'eval', 'make_audio.py')], { stdio: 'pipe' });
    execFileSync('python3', ['-B', join(EXAMPLE, 'eval', 'make_audio.py'), '--check'], { stdio: 'pipe' });
    rows = readFileSync(join(EXAMPLE, 'eval', 'dataset.jsonl'), 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line));
    [accurate, fast] = await Promise.all([start('accurate'), start('fast')]);
  });
  afterAll(async () => {
    await Promise.all([accurate?.stop(), fast?.stop()]);
  });

  it('transcribes a sentence as JSON and as text, within a bounded word error rate', async () => {
    const row = rows.find((r) => r.reference === 'turn off the lights before you leave the house')!;
    const audio = readFileSync(join(EXAMPLE, 'eval', row.audio));
    const heard = await text(accurate.url, audio);
    expect(errorRate(edits(row.reference, heard))).toBeLessThanOrEqual(0.25);
    const plain = await transcribe(accurate.url, audio, 'text');
    expect(plain.headers.get('content-type')).toMatch(/^text\/plain/);
    expect((await plain.text()).trim()).toBe(heard);
  });

  it('accepts audio that is not 16 kHz mono, converting it', async () => {
    const wav = execFileSync('sh', [
      '-c',
      'espeak-ng -v en-us+klatt -s 175 --stdout "please send me the report by the end of the week"',
    ]);
    const heard = await text(accurate.url, wav);
    expect(errorRate(edits('please send me the report by the end of the week', heard))).toBeLessThanOrEqual(
      0.3,
    );
  });

  it('the fast profile is measurably worse on the evaluation set than the accurate one', async () => {
    const [good, weak] = await Promise.all([corpusWer(accurate.url, rows), corpusWer(fast.url, rows)]);
    console.info(`speech-asr corpus WER: accurate ${good.toFixed(3)}, fast ${weak.toFixed(3)}`);
    expect(good).toBeLessThanOrEqual(0.35);
    expect(weak - good).toBeGreaterThanOrEqual(0.1);
  }, 180_000);

  it('answers errors the OpenAI way, and reports health and its model', async () => {
    const noFile = await fetch(`${accurate.url}/v1/audio/transcriptions`, {
      method: 'POST',
      body: new FormData(),
    });
    expect(noFile.status).toBe(400);
    const badFormat = await transcribe(
      accurate.url,
      readFileSync(join(EXAMPLE, 'eval', rows[0]!.audio)),
      'srt' as 'text',
    );
    expect(badFormat.status).toBe(400);
    expect(((await badFormat.json()) as { error: { param: string } }).error.param).toBe('response_format');
    const notAudio = await transcribe(accurate.url, Buffer.from('not audio at all'));
    expect(notAudio.status).toBe(400);
    expect(await (await fetch(`${accurate.url}/health`)).json()).toMatchObject({
      status: 'ok',
      profile: 'accurate',
    });
    const models = (await (await fetch(`${fast.url}/v1/models`)).json()) as { data: { id: string }[] };
    expect(models.data.map((m) => m.id)).toEqual(['speech-asr']);
  });
});
