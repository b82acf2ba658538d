import { open } from 'node:fs/promises';

/** The last lines of a file (a server log), reading only its end. */
export async function tailFile(path: string, lines: number, maxBytes = 256 * 1024): Promise<string[]> {
  const handle = await open(path, 'r').catch(() => undefined);
  if (!handle) return [];
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, maxBytes);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    const text = buffer.toString('utf8').replace(/\n$/, '');
    return text === '' ? [] : text.split('\n').slice(-lines);
  } finally {
    await handle.close();
  }
}
