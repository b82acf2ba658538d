import { readFile } from 'node:fs/promises';
import { BenchResults } from '../../schemas/bench-results.js';
import { EvalResults } from '../../schemas/eval-results.js';
import type { Results } from '../../schemas/results.js';
import { GantryError } from '../errors.js';

/** Reads a benchmark or evaluation results file; a malformed one is refused, naming the file and field. */
export async function readResults(path: string, displayName = path): Promise<Results> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new GantryError('results_unreadable', `${displayName}: cannot read results (${reason})`);
  }
  const schema = (data as { kind?: unknown })?.kind === 'evaluation' ? EvalResults : BenchResults;
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .slice(0, 5)
      .map((i) => `${path}: ${i.path.join('.') || '(top level)'}: ${i.message}`);
    throw new GantryError('results_malformed', `not a Gantry results file:\n${problems.join('\n')}`);
  }
  return parsed.data;
}
