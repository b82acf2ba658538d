import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { GantryError } from '../errors.js';
import { type DatasetRow, parseJsonlRows } from '../jsonl-rows.js';

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
  const { rows: parsed, problems } = parseJsonlRows(
    bytes.toString('utf8'),
    displayPath,
    '{"input": …, "label": …}',
  );
  const rows = parsed.map((r) => r.row);
  const lines = parsed.map((r) => r.line);
  if (problems.length > 0) throw new GantryError('dataset_malformed', problems.join('\n'));
  if (rows.length === 0) throw new GantryError('dataset_empty', `${displayPath}: the dataset has no rows`);
  return { path: displayPath, sha256: createHash('sha256').update(bytes).digest('hex'), rows, lines };
}
