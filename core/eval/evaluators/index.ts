import type { Evaluator } from '../evaluator.js';
import { cer, wer } from './error-rate.js';
import { accuracy, exactMatch } from './match.js';
import { f1 } from './token-f1.js';

/** Every built-in evaluator, by the name model.yml uses. */
export const EVALUATORS: Record<Evaluator['name'], Evaluator> = {
  wer,
  cer,
  exact_match: exactMatch,
  accuracy,
  f1,
};
