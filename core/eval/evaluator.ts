import type { Direction, Evaluator as EvaluatorName } from '../../schemas/metrics.js';
import type { DatasetRow } from '../jsonl-rows.js';
import type { TextNormaliser } from './text-normalisers.js';

/**
 * How one kind of score is computed. Adding an evaluator is one file implementing this and one line in
 * the registry: which field holds the expected answer, how one answer is scored, how scores add up.
 */
export interface Evaluator {
  name: Exclude<EvaluatorName, 'custom'>;
  /** Bumped whenever scores change for the same inputs. */
  version: number;
  /** The metrics it reports: EVALUATOR_METRICS in schemas/metrics.ts, the vocabulary gate rules use. */
  metrics: Record<string, Direction>;
  /** The expected answer of a row, or a message saying what the row lacks. */
  reference(row: DatasetRow): { value: unknown } | { problem: string };
  /** Scores one answer; `undefined` means the request failed, which scores as a wrong answer. */
  score(reference: unknown, prediction: unknown, normaliser: TextNormaliser): Record<string, number>;
  aggregate(scores: Record<string, number>[]): Record<string, number | null>;
}

/** One answered row as a batch evaluator receives it. */
export interface AnsweredRow {
  index: number;
  id: string;
  row: DatasetRow;
  reference: unknown;
  /** What the model answered; `undefined` when the request failed. */
  prediction: unknown;
  error?: string;
}

/**
 * An evaluator that scores the whole dataset at once, after every row has been answered: a user's
 * command named in model.yml (evaluator: custom). It returns each row's scores, in row order, and the
 * aggregates.
 */
export interface BatchEvaluator {
  name: 'custom';
  version: number;
  metrics: Record<string, Direction>;
  reference(row: DatasetRow): { value: unknown } | { problem: string };
  scoreAll(
    rows: readonly AnsweredRow[],
  ): Promise<{ scores: Record<string, number>[]; metrics: Record<string, number | null> }>;
}

/** The expected answer under the first of these fields that the row has. */
export function referenceField(
  row: DatasetRow,
  fields: readonly string[],
): { value: unknown } | { problem: string } {
  const field = fields.find((f) => row[f] !== undefined);
  return field === undefined
    ? { problem: `needs the expected answer in "${fields.join('" or "')}"` }
    : { value: row[field] };
}

/** Text of a prediction: transcripts and completions are strings; anything else is compared as JSON. */
export function asText(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** What Gantry counts in every evaluation, whichever evaluator scored it: failed requests are never dropped. */
export function countedMetrics(examples: number, failed: number) {
  return { examples, failed, failed_rate: examples === 0 ? null : failed / examples };
}

export function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}
