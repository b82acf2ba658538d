import { EVALUATOR_METRICS } from '../../../schemas/metrics.js';
import { asText, countedMetrics, type Evaluator, mean, referenceField } from '../evaluator.js';
import { predictedLabel } from './match.js';

function overlap(a: string[], b: string[]): number {
  const counts = new Map<string, number>();
  for (const token of b) counts.set(token, (counts.get(token) ?? 0) + 1);
  let common = 0;
  for (const token of a) {
    const left = counts.get(token) ?? 0;
    if (left > 0) {
      common++;
      counts.set(token, left - 1);
    }
  }
  return common;
}

/** Token-overlap F1 per example, averaged (the SQuAD definition); the best over several references. */
export const f1: Evaluator = {
  name: 'f1',
  version: 1,
  metrics: EVALUATOR_METRICS.f1,
  reference: (row) => referenceField(row, ['reference', 'expected', 'answer']),
  score(reference, prediction, normaliser) {
    if (prediction === undefined) return { f1: 0, precision: 0, recall: 0, failed: 1 };
    const tokens = (value: unknown) => normaliser.normalise(asText(value)).split(' ').filter(Boolean);
    const predicted = tokens(predictedLabel(prediction));
    const candidates = (Array.isArray(reference) ? reference : [reference]).map((r) => {
      const expected = tokens(r);
      if (expected.length === 0 || predicted.length === 0) {
        const same = expected.length === predicted.length ? 1 : 0;
        return { f1: same, precision: same, recall: same };
      }
      const common = overlap(predicted, expected);
      const precision = common / predicted.length;
      const recall = common / expected.length;
      return { f1: common === 0 ? 0 : (2 * precision * recall) / (precision + recall), precision, recall };
    });
    const best = candidates.reduce((a, b) => (b.f1 > a.f1 ? b : a));
    return { ...best, failed: 0 };
  },
  aggregate(scores) {
    const failed = scores.filter((s) => s.failed === 1).length;
    return {
      f1: mean(scores.map((s) => s.f1!)),
      precision: mean(scores.map((s) => s.precision!)),
      recall: mean(scores.map((s) => s.recall!)),
      ...countedMetrics(scores.length, failed),
    };
  },
};
