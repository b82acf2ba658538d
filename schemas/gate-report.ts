import { z } from 'zod';
import { BenchResults } from './bench-results.js';
import { EvalResults } from './eval-results.js';
import { GateVerdict } from './gate-verdict.js';

export const GATE_REPORT_VERSION = 1;

/** A benchmark or an evaluation results file, told apart by `kind`. */
export const ResultsRecord = z
  .discriminatedUnion('kind', [BenchResults, EvalResults])
  .meta({ id: 'GantryResults', description: 'A benchmark or an evaluation results file.' });

/**
 * One model's gate outcome as a workflow hands it to the app (`gate-report.json` in the results
 * artifact): the verdict and the results it judged, so the check run and PR comment can be rendered.
 */
export const GateReport = z
  .object({
    schema_version: z.literal(GATE_REPORT_VERSION),
    model: z.string().min(1),
    candidate_version: z.string().min(1),
    baseline_version: z.string().min(1),
    verdict: GateVerdict,
    candidate: z.array(ResultsRecord),
    baseline: z.array(ResultsRecord),
    history: z
      .array(z.object({ version: z.string(), results: z.array(ResultsRecord) }))
      .optional()
      .meta({ description: 'Earlier versions, oldest first, for the trend charts.' }),
  })
  .meta({ title: 'Gantry gate report' });
export type GateReport = z.output<typeof GateReport>;
