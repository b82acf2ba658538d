import { spawn } from 'node:child_process';
import { GantryError } from '../errors.js';

/** Splits `git cat-file --batch` output: `BLOB TYPE SIZE\n` + SIZE bytes + `\n`, or `BLOB missing\n`. */
function splitBatch(output: Buffer): Map<string, string> {
  const texts = new Map<string, string>();
  let at = 0;
  while (at < output.length) {
    const newline = output.indexOf(10, at);
    if (newline < 0) break;
    const [blob = '', type, size] = output.toString('utf8', at, newline).split(' ');
    at = newline + 1;
    if (type === 'missing' || size === undefined) continue;
    const end = at + Number(size);
    texts.set(blob, output.toString('utf8', at, end));
    at = end + 1;
  }
  return texts;
}

/**
 * The text of many blobs at once, by id: one `git cat-file --batch` process for all of them, where a
 * process per file would cost more than reading them (simple-git cannot write to a command's stdin).
 */
export function readBlobs(root: string, blobs: readonly string[]): Promise<Map<string, string>> {
  if (blobs.length === 0) return Promise.resolve(new Map());
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['cat-file', '--batch'], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let errors = '';
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      errors += chunk.toString();
    });
    child.on('error', (error) =>
      reject(new GantryError('git_failed', `could not run git cat-file: ${error.message}`)),
    );
    child.on('close', (code) => {
      if (code === 0) resolve(splitBatch(Buffer.concat(chunks)));
      else reject(new GantryError('git_failed', `git cat-file failed (exit ${code}): ${errors.trim()}`));
    });
    child.stdin.end(`${[...new Set(blobs)].join('\n')}\n`);
  });
}
