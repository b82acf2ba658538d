import { z } from 'zod';
import { EnvironmentEntry } from './model-version.js';

/**
 * `.gantry/environments/<env>.yml`: the desired state of one environment (GitOps). Each model's version
 * and every move that led to it, so a rollback follows what the environment really ran.
 */
export const EnvironmentFile = z
  .strictObject({
    models: z
      .record(
        z.string(),
        z.strictObject({
          version: z.string(),
          digest: z
            .string()
            .regex(/^[a-f0-9]{64}$/)
            .optional()
            .meta({ description: 'The digest of the version document: the exact version recorded.' }),
          history: z.array(EnvironmentEntry).default([]),
        }),
      )
      .default({}),
  })
  .meta({ title: 'Gantry environment file' });
export type EnvironmentFile = z.output<typeof EnvironmentFile>;
