import { EVALUATOR_METRICS } from '../../../schemas/metrics.js';
import { alignEdits, errorRate, sumEdits } from '../edit-distance.js';
import { asText, countedMetrics, type Evaluator, referenceField } from '../evaluator.js';

const REFERENCE_FIELDS = ['reference', 'text', 'transcript', 'expected'] as const;

/**
 * Word or character error rate over the whole corpus: total edits / total reference length, never an
 * average of per-utterance rates (short utterances would weigh as much as long ones).
 */
function errorRateEvaluator(name: 'wer' | 'cer', tokens: (text: string) => string[]): Evaluator {
  return {
    name,
    version: 1,
    metrics: EVALUATOR_METRICS[name],
    reference: (row) => referenceField(row, REFERENCE_FIELDS),
    score(reference, prediction, normaliser) {
      const edits = alignEdits(
        tokens(normaliser.normalise(asText(reference))),
        tokens(normaliser.normalise(asText(prediction))),
      );
      return { ...edits, failed: prediction === undefined ? 1 : 0 };
    },
    aggregate(scores) {
      const edits = sumEdits(
        scores.map((s) => ({
          substitutions: s.substitutions!,
          deletions: s.deletions!,
          insertions: s.insertions!,
          reference: s.reference!,
        })),
      );
      const failed = scores.reduce((n, s) => n + (s.failed ?? 0), 0);
      return {
        [name]: errorRate(edits) ?? null,
        substitutions: edits.substitutions,
        deletions: edits.deletions,
        insertions: edits.insertions,
        [name === 'wer' ? 'reference_words' : 'reference_characters']: edits.reference,
        ...countedMetrics(scores.length, failed),
      };
    },
  };
}

export const wer = errorRateEvaluator('wer', (text) => (text === '' ? [] : text.split(' ')));
export const cer = errorRateEvaluator('cer', (text) => [...text]);
