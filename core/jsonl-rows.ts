/** One row of a dataset: a JSON object per line of a JSONL file. */
export type DatasetRow = Record<string, unknown>;

export interface JsonlRow {
  row: DatasetRow;
  /** Line in the file, from 1, for located errors. */
  line: number;
}

/**
 * Parses JSONL into objects, skipping blank lines. Every line that is not a JSON object becomes a
 * located problem (`file:line: …`), so a dataset is reported whole, not one mistake per run.
 */
export function parseJsonlRows(
  text: string,
  file: string,
  example: string,
): { rows: JsonlRow[]; problems: string[] } {
  const rows: JsonlRow[] = [];
  const problems: string[] = [];
  text.split('\n').forEach((content, i) => {
    if (content.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(content);
    } catch (error) {
      problems.push(`${file}:${i + 1}: not valid JSON (${(error as Error).message})`);
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      problems.push(`${file}:${i + 1}: each line must be a JSON object, like ${example}`);
    } else {
      rows.push({ row: value as DatasetRow, line: i + 1 });
    }
  });
  return { rows, problems };
}
