import { z } from 'zod';
import { DEPLOY_TARGETS } from './model-manifest.js';

export const DEPLOYMENT_RECORD_VERSION = 1;

export const DEPLOYMENT_STATES = ['running', 'stopped', 'failed', 'rolled_back'] as const;
export type DeploymentState = (typeof DEPLOYMENT_STATES)[number];

/**
 * What runs where: written by `gantry deploy`, read by bench, gate, status and the fleet view. One record
 * per model and environment on a host.
 */
export const DeploymentRecord = z
  .object({
    schema_version: z.literal(DEPLOYMENT_RECORD_VERSION),
    model: z.string(),
    version: z.string(),
    environment: z.string(),
    target: z.enum(DEPLOY_TARGETS),
    state: z.enum(DEPLOYMENT_STATES),
    url: z.url().meta({ description: 'Base URL of the server, e.g. http://127.0.0.1:8000.' }),
    health_url: z.url(),
    manifest: z.string().meta({ description: 'Absolute path of the model.yml that was deployed.' }),
    git_sha: z.string().optional(),
    process: z
      .object({ pid: z.number().int().positive(), command: z.array(z.string()), cwd: z.string() })
      .optional()
      .meta({ description: 'target process: the server process (leader of its own process group).' }),
    container: z
      .object({
        id: z.string(),
        name: z.string(),
        image: z.string().meta({ description: 'The reference it was started from.' }),
        image_id: z.string().optional().meta({ description: 'Local image id (sha256 of its config).' }),
        digest: z.string().optional().meta({ description: 'Registry manifest digest, when it was pushed.' }),
      })
      .optional()
      .meta({ description: 'target docker: the container serving this deployment.' }),
    proxy: z
      .object({
        pid: z.number().int().positive(),
        socket: z.string().meta({ description: 'Unix socket of its control API.' }),
        upstream: z.url().meta({ description: "The container's own address, where traffic goes." }),
      })
      .optional()
      .meta({
        description:
          'target docker: the traffic proxy at `url` that sends requests to the current container; it stays while versions change.',
      }),
    hardware: z.string().optional().meta({ description: 'Hardware target of model.yml that was deployed.' }),
    gpus: z
      .array(z.string())
      .default([])
      .meta({ description: 'Accelerator ids reserved for this deployment.' }),
    log_path: z.string(),
    started_at: z.iso.datetime(),
    healthy_at: z.iso.datetime().optional(),
    stopped_at: z.iso.datetime().optional(),
    message: z.string().optional().meta({ description: 'Why the deployment failed or was rolled back.' }),
  })
  .meta({ title: 'Gantry deployment record' });
export type DeploymentRecord = z.infer<typeof DeploymentRecord>;
