import { z } from 'zod';

/** The roles GitHub gives collaborators, lowest first. */
export const ROLES = ['read', 'triage', 'write', 'maintain', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** `.github/gantry.yml`: how the Gantry app behaves in one repository. Every field has a default. */
export const AppConfig = z
  .strictObject({
    workflow: z
      .string()
      .regex(/^[\w.-]+\.ya?ml$/, 'a workflow file name in .github/workflows, like gantry-ci.yml')
      .default('gantry-ci.yml')
      .meta({
        description:
          'Workflow dispatched by /benchmark, /gate rerun and the "Re-run benchmark" button: it has a workflow_dispatch trigger with a `profile` input, and uploads the results artifact.',
      }),
    artifact: z
      .string()
      .min(1)
      .default('gantry-results')
      .meta({ description: 'Name of the artifact a workflow run uploads its gate reports in.' }),
    comment: z
      .boolean()
      .default(true)
      .meta({ description: 'Post (and keep up to date) one results comment per model on the pull request.' }),
    commands: z.boolean().default(true).meta({
      description: 'Answer slash commands (/benchmark, /gate rerun, /promote, /rollback) in pull requests.',
    }),
    permissions: z
      .strictObject({
        benchmark: z
          .enum(ROLES)
          .default('write')
          .meta({ description: 'Least role for /benchmark and /gate rerun.' }),
        promote: z
          .enum(['maintain', 'admin'])
          .default('maintain')
          .meta({ description: 'Least role for /promote and /rollback.' }),
      })
      .default({ benchmark: 'write', promote: 'maintain' }),
  })
  .meta({ title: 'Gantry app configuration (.github/gantry.yml)' });
export type AppConfig = z.output<typeof AppConfig>;
