import { z } from 'zod';

export const GATE_VERDICT_VERSION = 1;
export const VERDICTS = ['pass', 'fail', 'inconclusive'] as const;
export type Verdict = (typeof VERDICTS)[number];

const Side = z.object({
  value: z
    .number()
    .nullable()
    .meta({ description: 'The metric over all runs of this side (mean of per-run values).' }),
  runs: z.number().int().min(0),
  n: z.number().int().min(0).meta({ description: 'Requests or examples behind it.' }),
});

export const RuleVerdict = z.object({
  metric: z.string(),
  profile: z.string().optional(),
  target: z
    .string()
    .optional()
    .meta({ description: 'Hardware target the compared results ran on, when recorded.' }),
  suite: z.string().optional(),
  direction: z.enum(['lower', 'higher']),
  limit: z.object({ kind: z.enum(['relative', 'absolute']), value: z.number() }),
  source: z.enum(['manifest', 'default']),
  location: z
    .object({ file: z.string(), line: z.number().int(), column: z.number().int() })
    .optional()
    .meta({ description: 'Where the rule is in model.yml, for annotations.' }),
  baseline: Side,
  candidate: Side,
  change: z
    .object({
      estimate: z.number(),
      low: z.number(),
      high: z.number(),
      unit: z.enum(['relative', 'absolute']),
    })
    .nullable()
    .meta({ description: "Worsening (positive = worse) with its interval, in the limit's unit." }),
  method: z
    .string()
    .meta({ description: 'The statistics used, e.g. "Welch t on log per-run p95, 3 vs 3 runs".' }),
  verdict: z.enum(VERDICTS),
  reason: z.string(),
  smallest_detectable_change: z.number().nullable().meta({
    description:
      'The candidate against the baseline with its interval: relative = candidate / baseline − 1, absolute = candidate − baseline. Which sign is worse follows direction.',
  }),
  more_repetitions: z.number().int().min(0).nullable().optional().meta({
    description: 'Inconclusive: about how many more runs per side would likely decide it.',
  }),
});
export type RuleVerdict = z.infer<typeof RuleVerdict>;

export const GateVerdict = z
  .object({
    schema_version: z.literal(GATE_VERDICT_VERSION),
    verdict: z.enum(VERDICTS),
    confidence: z.number(),
    confidence_per_rule: z
      .number()
      .meta({ description: 'After the Bonferroni correction for testing several rules.' }),
    rules: z.array(RuleVerdict),
    testbed: z.object({
      candidate: z.string(),
      baseline: z.string(),
      same: z.boolean(),
      overridden: z.boolean(),
    }),
    warnings: z.array(z.string()),
    calibration: z
      .object({ false_alarm_rate: z.number(), detection_10pct: z.number(), measured: z.string() })
      .optional()
      .meta({ description: 'What `npm run bench:gate` measured for this gate on recorded noise.' }),
  })
  .meta({ title: 'Gantry gate verdict' });
export type GateVerdict = z.infer<typeof GateVerdict>;
