import { EVALUATOR_METRICS } from '../../../schemas/metrics.js';
import { asText, countedMetrics, type Evaluator, mean, referenceField } from '../evaluator.js';

/** Fields a classifier's answer is read from when it answers with an object. */
const PREDICTION_FIELDS = ['label', 'prediction', 'class', 'output'] as const;

/**
 * The predicted label of an answer: the answer itself, or its label field, looked for a few levels
 * down (Gantry's REST server answers {"prediction": {"label": …, "probability": …}}).
 */
export function predictedLabel(prediction: unknown, depth = 3): unknown {
  if (depth > 0 && prediction && typeof prediction === 'object' && !Array.isArray(prediction)) {
    const record = prediction as Record<string, unknown>;
    const field = PREDICTION_FIELDS.find((f) => record[f] !== undefined);
    if (field) return predictedLabel(record[field], depth - 1);
  }
  return prediction;
}

function rateOf(name: string) {
  return (scores: Record<string, number>[]) => {
    const failed = scores.filter((s) => s.failed === 1).length;
    return {
      [name]: mean(scores.map((s) => s.correct!)),
      correct: scores.reduce((n, s) => n + s.correct!, 0),
      ...countedMetrics(scores.length, failed),
    };
  };
}

/** Share of labels predicted exactly (classification). Per-example outcomes allow paired tests. */
export const accuracy: Evaluator = {
  name: 'accuracy',
  version: 1,
  metrics: EVALUATOR_METRICS.accuracy,
  reference: (row) => referenceField(row, ['label', 'expected', 'output', 'reference']),
  score(reference, prediction) {
    if (prediction === undefined) return { correct: 0, failed: 1 };
    return {
      correct:
        JSON.stringify(predictedLabel(prediction)) === JSON.stringify(predictedLabel(reference)) ? 1 : 0,
      failed: 0,
    };
  },
  aggregate: rateOf('accuracy'),
};

/** Share of answers equal to the reference after normalisation (QA, extraction, short generations). */
export const exactMatch: Evaluator = {
  name: 'exact_match',
  version: 1,
  metrics: EVALUATOR_METRICS.exact_match,
  reference: (row) => referenceField(row, ['reference', 'expected', 'answer', 'label']),
  score(reference, prediction, normaliser) {
    if (prediction === undefined) return { correct: 0, failed: 1 };
    const references = Array.isArray(reference) ? reference : [reference];
    const answer = normaliser.normalise(asText(predictedLabel(prediction)));
    return { correct: references.some((r) => normaliser.normalise(asText(r)) === answer) ? 1 : 0, failed: 0 };
  },
  aggregate: rateOf('exact_match'),
};
