import { z } from 'zod';
import { ARCHES, PLATFORMS } from './model-manifest.js';

export const BUILD_RECORD_VERSION = 1;

/**
 * What `gantry build` made: one image of one model version for one hardware target. Written only when
 * the build (and the push, when asked) succeeded in full; deploy, bench and releases read it.
 */
export const BuildRecord = z
  .object({
    schema_version: z.literal(BUILD_RECORD_VERSION),
    model: z.string(),
    version: z.string(),
    target: z.string(),
    platform: z.enum(PLATFORMS),
    arch: z.enum(ARCHES),
    server: z.string().meta({ description: 'Server type from model.yml.' }),
    image: z.string().meta({ description: 'REGISTRY/MODEL:VERSION-TARGET.' }),
    tags: z.array(z.string()).meta({ description: 'Every reference the image was tagged with.' }),
    image_id: z.string().meta({ description: 'Local image id (sha256 of its config).' }),
    digest: z
      .string()
      .regex(/^sha256:[a-f0-9]{64}$/)
      .optional()
      .meta({ description: 'Manifest digest in the registry; present when the image was pushed.' }),
    pinned: z
      .string()
      .optional()
      .meta({ description: 'REGISTRY/MODEL@sha256:…: the pushed image by digest, for deployments.' }),
    pushed: z.boolean(),
    size_bytes: z.number().int().min(0),
    layers: z.number().int().min(0),
    duration_ms: z.number().min(0),
    base_image: z.string().optional().meta({ description: 'BASE_IMAGE the build started from.' }),
    dockerfile: z
      .string()
      .meta({ description: 'Template under dockerfiles/, or the path of the model’s own Dockerfile.' }),
    cache: z
      .object({ steps: z.number().int().min(0), cached: z.number().int().min(0) })
      .optional()
      .meta({ description: 'Build steps and how many BuildKit took from its cache, when it said so.' }),
    reused: z.boolean().optional().meta({
      description:
        'The engine had this exact build already (same context, Dockerfile, arguments, platform and base image), so nothing was rebuilt.',
    }),
    git_sha: z.string().optional(),
    built_at: z.iso.datetime(),
  })
  .meta({ title: 'Gantry build record' });
export type BuildRecord = z.infer<typeof BuildRecord>;
