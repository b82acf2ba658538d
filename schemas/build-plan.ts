import { z } from 'zod';
import { ARCHES, PLATFORMS } from './model-manifest.js';

/** One job of the build matrix: one model built for one hardware target. */
export const MatrixEntry = z.object({
  model: z.string().meta({ description: 'Model name from model.yml.' }),
  version: z.string(),
  folder: z
    .string()
    .meta({ description: 'Folder of the model, relative to the repository root ("." for the root).' }),
  manifest: z.string().meta({ description: 'Path of model.yml, relative to the repository root.' }),
  target: z.string().meta({ description: 'Target name, unique within the model.' }),
  platform: z.enum(PLATFORMS),
  arch: z.enum(ARCHES),
  accelerator: z.string().optional(),
  gpus: z.number().int().min(0),
  'runs-on': z.array(z.string()).meta({ description: 'Runner labels the build job runs on.' }),
  image: z.string().meta({ description: 'Image reference the build pushes: REGISTRY/MODEL:VERSION-TARGET.' }),
});
export type MatrixEntry = z.infer<typeof MatrixEntry>;

/** Why a model is in the plan: a changed file in its folder, or in a path it depends on. */
export const ChangeReason = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('changed'),
    path: z.string().meta({ description: 'Changed file inside the model folder.' }),
  }),
  z.object({
    kind: z.literal('dependency'),
    dependency: z.string().meta({ description: 'The depends_on path, relative to the repository root.' }),
    path: z.string().meta({ description: 'Changed file inside that path.' }),
  }),
]);
export type ChangeReason = z.infer<typeof ChangeReason>;

export const PlannedModel = z.object({
  name: z.string(),
  version: z.string(),
  folder: z.string(),
  manifest: z.string(),
  reasons: z.array(ChangeReason).meta({ description: 'What changed; empty when every model is planned.' }),
});
export type PlannedModel = z.infer<typeof PlannedModel>;

export const RemovedModel = z.object({
  name: z.string().optional().meta({ description: 'Name the deleted model.yml had, when it could be read.' }),
  folder: z.string(),
  manifest: z.string(),
});
export type RemovedModel = z.infer<typeof RemovedModel>;

export const PLAN_EVERYTHING_REASONS = ['requested', 'no-parent', 'new-branch'] as const;

/** What is compared: the changes between two commits, or every model at one commit. */
export const PlanScope = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('changes'),
    base: z.string().meta({ description: 'Commit the head is compared with.' }),
    head: z.string(),
  }),
  z.object({
    kind: z.literal('all'),
    head: z.string(),
    why: z.enum(PLAN_EVERYTHING_REASONS).meta({
      description:
        'requested (--all), no-parent (the head commit has no parent to compare with) or new-branch (the base is the all-zeros commit of a new branch).',
    }),
  }),
]);
export type PlanScope = z.infer<typeof PlanScope>;

/** What `gantry plan --format json` prints: the models to build and one matrix entry per target. */
export const BuildPlan = z
  .object({
    scope: PlanScope,
    manifests_found: z.number().int().min(0).meta({ description: 'model.yml files at the head commit.' }),
    models: z.array(PlannedModel).meta({ description: 'Models to build, sorted by folder.' }),
    removed: z.array(RemovedModel).meta({ description: 'Models whose model.yml the head deleted.' }),
    matrix: z.array(MatrixEntry).meta({ description: 'One entry per (model, target).' }),
  })
  .meta({ title: 'Gantry build plan' });
export type BuildPlan = z.infer<typeof BuildPlan>;
