import { z } from 'zod';
import { EVALUATORS } from './metrics.js';
import { NORMALISERS } from './model-manifest.js';

export const EVAL_RESULTS_VERSION = 1;

/** One dataset row as the model answered it and as it was scored. */
export const EvalExample = z.object({
  index: z.number().int().min(0).meta({ description: 'Row number in the dataset, from 0.' }),
  id: z.string().meta({ description: "The row's id, or its line number: pairs examples across versions." }),
  reference: z.unknown(),
  prediction: z
    .unknown()
    .meta({ description: 'What the model answered (after extraction), or null when it failed.' }),
  error: z
    .string()
    .optional()
    .meta({ description: 'Why the request failed; a failed row is scored as a wrong answer.' }),
  latency_ms: z.number().min(0).optional(),
  scores: z
    .record(z.string(), z.number())
    .meta({ description: 'Per-example scores, e.g. correct 0/1 or word edits.' }),
});
export type EvalExample = z.infer<typeof EvalExample>;

/** What `gantry eval` writes; the gate compares two of them example by example. */
export const EvalResults = z
  .object({
    schema_version: z.literal(EVAL_RESULTS_VERSION),
    kind: z.literal('evaluation'),
    suite: z.string().optional(),
    evaluator: z.object({ name: z.enum(EVALUATORS), version: z.number().int() }),
    normaliser: z.object({ name: z.enum(NORMALISERS), version: z.number().int() }),
    dataset: z.object({
      path: z.string(),
      sha256: z.string().regex(/^[a-f0-9]{64}$/),
      rows: z.number().int().min(0),
    }),
    endpoint: z.string(),
    model: z.object({ name: z.string(), version: z.string() }).optional(),
    started_at: z.iso.datetime(),
    finished_at: z.iso.datetime(),
    gantry_version: z.string(),
    metrics: z.record(z.string(), z.number().nullable()).meta({
      description:
        'Aggregates, e.g. wer, substitutions, failed, failed_rate. null: undefined (nothing to score).',
    }),
    examples: z.array(EvalExample),
  })
  .meta({ title: 'Gantry evaluation results' });
export type EvalResults = z.infer<typeof EvalResults>;
