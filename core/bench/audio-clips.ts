import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { GantryError } from '../errors.js';
import type { DatasetRow } from '../jsonl-rows.js';

/** An audio file of an asr dataset, read once before the run so disk reads never delay a send. */
export interface AudioClip {
  name: string;
  bytes: Buffer;
  /** Duration from the WAV header; undefined for other formats (no real-time factor then). */
  seconds: number | undefined;
}

/** Seconds of audio in a RIFF/WAVE file: the data chunk's size over the format's byte rate. */
export function wavSeconds(bytes: Buffer): number | undefined {
  if (
    bytes.length < 12 ||
    bytes.toString('ascii', 0, 4) !== 'RIFF' ||
    bytes.toString('ascii', 8, 12) !== 'WAVE'
  )
    return undefined;
  let byteRate: number | undefined;
  for (let offset = 12; offset + 8 <= bytes.length; ) {
    const id = bytes.toString('ascii', offset, offset + 4);
    const size = bytes.readUInt32LE(offset + 4);
    if (id === 'fmt ' && offset + 16 <= bytes.length) byteRate = bytes.readUInt32LE(offset + 16);
    if (id === 'data') return byteRate ? Math.min(size, bytes.length - offset - 8) / byteRate : undefined;
    offset += 8 + size + (size % 2);
  }
  return undefined;
}

/** Reads every row's `audio` file (relative to the dataset's folder), naming the rows whose file is missing. */
export async function readAudioClips(rows: readonly DatasetRow[], datasetDir: string): Promise<AudioClip[]> {
  const problems: string[] = [];
  const clips = await Promise.all(
    rows.map(async (row, i) => {
      const path = resolve(datasetDir, String(row.audio));
      try {
        const bytes = await readFile(path);
        return { name: basename(path), bytes, seconds: wavSeconds(bytes) };
      } catch (error) {
        problems.push(
          `row ${i + 1}: cannot read audio file ${String(row.audio)} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
        );
        return undefined;
      }
    }),
  );
  if (problems.length > 0)
    throw new GantryError('bench.dataset', `the dataset's audio files:\n  ${problems.join('\n  ')}`);
  return clips as AudioClip[];
}

/** An OpenAI-style transcription upload: the file, the model name, and JSON as the answer format. */
export function transcriptionUpload(clip: AudioClip, model: string | undefined, boundary: string): Buffer {
  const field = (name: string, value: string) =>
    `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  return Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${clip.name.replaceAll('"', '')}"\r\nContent-Type: audio/wav\r\n\r\n`,
    ),
    clip.bytes,
    Buffer.from(
      `\r\n${field('model', model ?? 'default')}${field('response_format', 'json')}--${boundary}--\r\n`,
    ),
  ]);
}
