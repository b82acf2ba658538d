import { readFile } from 'node:fs/promises';
import type { BenchmarkKind } from '../../schemas/metrics.js';
import { GantryError } from '../errors.js';
import { type DatasetRow, parseJsonlRows } from '../jsonl-rows.js';

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
  const { fields, example } = NEEDS[kind];
  const parsed = parseJsonlRows(text, file, example);
  const problems = parsed.problems;
  const rows: DatasetRow[] = [];
  for (const { row, line } of parsed.rows) {
    if (!fields.some((f) => f in row)) {
      problems.push(
        `${file}:${line}: a ${kind} row needs ${fields.map((f) => `"${f}"`).join(' or ')}, like ${example}`,
      );
    } else if (
      'prompt' in row &&
      (kind === 'openai-chat' || kind === 'openai-completions') &&
      typeof row.prompt !== 'string'
    ) {
      problems.push(`${file}:${line}: "prompt" must be a string`);
    } else if ('messages' in row && kind === 'openai-chat' && !Array.isArray(row.messages)) {
      problems.push(`${file}:${line}: "messages" must be a list`);
    } else {
      rows.push(row);
    }
  }
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
