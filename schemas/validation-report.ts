import { z } from 'zod';

/** One located problem in a file a user wrote. `line` and `column` count from 1. */
export const Diagnostic = z.object({
  file: z.string(),
  line: z.number().int().min(1),
  column: z.number().int().min(1),
  path: z
    .string()
    .meta({ description: 'Field path inside the file, e.g. targets[0].platform; empty for the file.' }),
  message: z.string(),
});
export type Diagnostic = z.infer<typeof Diagnostic>;

/** What `gantry validate --format json` prints. */
export const ValidationReport = z
  .object({
    valid: z.boolean(),
    files: z.array(z.string()).meta({ description: 'Manifests that were checked.' }),
    errors: z.array(Diagnostic),
  })
  .meta({ title: 'Gantry validation report' });
export type ValidationReport = z.infer<typeof ValidationReport>;
