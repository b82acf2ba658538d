import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { GantryError } from '../errors.js';
import type { DatasetRow } from './evaluator.js';

export interface Dataset {
  path: string;
  sha256: string;
  rows: DatasetRow[];
  /** Line of each row in the file, for located errors. */
  lines: number[];
}

/**
 * Reads a JSONL dataset: one JSON object per non-empty line. Every malformed line is reported with its
 * line number, all at once, and nothing is run.
 */
export async function readDataset(path: string, displayPath = path): Promise<Dataset> {
  const bytes = await readFile(path).catch((error: NodeJS.ErrnoException) => {
    throw new GantryError(
      'dataset_unreadable',
      `${displayPath}: cannot read the dataset (${error.code ?? error.message})`,
    );
  });
  const rows: DatasetRow[] = [];
  const lines: number[] = [];
  const problems: string[] = [];
  bytes
    .toString('utf8')
    .split('\n')
    .forEach((text, i) => {
      if (text.trim() === '') return;
      try {
        const value: unknown = JSON.parse(text);
        if (typeof value !== 'object' || value === null || Array.isArray(value)) {
          problems.push(`${displayPath}:${i + 1}: expected a JSON object per line`);
        } else {
          rows.push(value as DatasetRow);
          lines.push(i + 1);
        }
      } catch (error) {
        problems.push(`${displayPath}:${i + 1}: not valid JSON (${(error as Error).message})`);
      }
    });
  if (problems.length > 0) throw new GantryError('dataset_malformed', problems.join('\n'));
  if (rows.length === 0) throw new GantryError('dataset_empty', `${displayPath}: the dataset has no rows`);
  return { path: displayPath, sha256: createHash('sha256').update(bytes).digest('hex'), rows, lines };
}
