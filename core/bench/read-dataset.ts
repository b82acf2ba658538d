import { readFile } from 'node:fs/promises';
import type { BenchmarkKind } from '../../schemas/metrics.js';
import { GantryError } from '../errors.js';

/** One row of a benchmark dataset (JSONL), checked for what its kind needs. */
export type DatasetRow = Record<string, unknown>;

const NEEDS: Record<BenchmarkKind, { fields: string[]; example: string }> = {
  'openai-chat': { fields: ['prompt', 'messages'], example: '{"prompt": "Hello", "output_tokens": 64}' },
  'openai-completions': {
    fields: ['prompt'],
    example: '{"prompt": "Once upon a time", "output_tokens": 64}',
  },
  embeddings: { fields: ['input'], example: '{"input": "a sentence to embed"}' },
  asr: { fields: ['audio'], example: '{"audio": "clips/one.wav"}' },
  rest: { fields: ['input'], example: '{"input": {"x": 1}}' },
};

/** Parses JSONL text; every bad line is reported with file:line and what a good row looks like. */
export function parseDataset(text: string, file: string, kind: BenchmarkKind): DatasetRow[] {
  const rows: DatasetRow[] = [];
  const problems: string[] = [];
  const { fields, example } = NEEDS[kind];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch (error) {
      problems.push(`${file}:${i + 1}: not valid JSON (${(error as Error).message})`);
      return;
    }
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      problems.push(`${file}:${i + 1}: each line must be a JSON object, like ${example}`);
    } else if (!fields.some((f) => f in row)) {
      problems.push(
        `${file}:${i + 1}: a ${kind} row needs ${fields.map((f) => `"${f}"`).join(' or ')}, like ${example}`,
      );
    } else if (kind === 'openai-chat' || kind === 'openai-completions') {
      const r = row as DatasetRow;
      if ('prompt' in r && typeof r.prompt !== 'string')
        problems.push(`${file}:${i + 1}: "prompt" must be a string`);
      else if ('messages' in r && !Array.isArray(r.messages))
        problems.push(`${file}:${i + 1}: "messages" must be a list`);
      else rows.push(r);
    } else rows.push(row as DatasetRow);
  });
  if (problems.length > 0) {
    const shown = problems.slice(0, 10).join('\n  ');
    const more = problems.length > 10 ? `\n  … and ${problems.length - 10} more` : '';
    throw new GantryError('bench.dataset', `the dataset has problems:\n  ${shown}${more}`);
  }
  if (rows.length === 0)
    throw new GantryError(
      'bench.dataset',
      `${file}: the dataset has no rows (expected JSONL like ${example})`,
    );
  return rows;
}

export async function readDataset(path: string, shownAs: string, kind: BenchmarkKind): Promise<DatasetRow[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new GantryError(
      'bench.dataset',
      `cannot read the dataset ${shownAs}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  return parseDataset(text, shownAs, kind);
}
