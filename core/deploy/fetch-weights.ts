import { createHash } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GantryError } from '../errors.js';
import { weightsFileName } from './weights-file-name.js';

/**
 * Downloads URL weights once into this host's cache (one folder per SHA-256) and returns that folder,
 * to be mounted read-only. A download whose SHA-256 differs from model.yml's is deleted and fails the
 * deployment before anything starts.
 */
export async function fetchWeights(
  weights: { url: string; sha256: string },
  stateRoot: string,
  progress?: (detail: string) => void,
): Promise<string> {
  const folder = join(stateRoot, 'weights', weights.sha256);
  const file = join(folder, weightsFileName(weights.url));
  // Only a checked download is ever renamed into place, so a file here is the right one.
  if (existsSync(file)) return folder;
  await mkdir(folder, { recursive: true });
  const partial = `${file}.part`;
  progress?.(`downloading weights from ${new URL(weights.url).host}`);
  const hash = createHash('sha256');
  try {
    const response = await fetch(weights.url, { signal: AbortSignal.timeout(6 * 3600_000) });
    if (!response.ok || !response.body)
      throw new GantryError('weights_download', `${weights.url} answered HTTP ${response.status}`, 1);
    const body = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream);
    body.on('data', (chunk: Buffer) => hash.update(chunk));
    await pipeline(body, createWriteStream(partial, { mode: 0o644 }));
  } catch (error) {
    await rm(partial, { force: true });
    if (error instanceof GantryError) throw error;
    throw new GantryError(
      'weights_download',
      `cannot download the weights from ${weights.url}: ${(error as Error).cause ?? (error as Error).message}`,
      1,
    );
  }
  const actual = hash.digest('hex');
  if (actual !== weights.sha256) {
    await rm(partial, { force: true });
    throw new GantryError(
      'weights_checksum',
      `the weights from ${weights.url} have SHA-256 ${actual}, but model.yml says ${weights.sha256}; nothing was deployed`,
      1,
    );
  }
  await rename(partial, file);
  return folder;
}
