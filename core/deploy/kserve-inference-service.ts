import { Pod } from 'kubernetes-models/v1';
import { z } from 'zod';
import type { ModelManifest, Target } from '../../schemas/model-manifest.js';
import { GantryError } from '../errors.js';
import { type KubernetesOptions, modelPodSpec, objectIdentity } from './kubernetes-manifests.js';

/** KServe runs a custom predictor's model from the container of this name. */
const KSERVE_CONTAINER = 'kserve-container';

// The parts of KServe's v1beta1 InferenceService that Gantry writes, with the rules of its CRD
// (serving.kserve.io_inferenceservices.yaml); the predictor's pod fields are checked as a Pod below.
const InferenceService = z.strictObject({
  apiVersion: z.literal('serving.kserve.io/v1beta1'),
  kind: z.literal('InferenceService'),
  metadata: z.strictObject({
    name: z
      .string()
      .regex(/^[a-z]([-a-z0-9]*[a-z0-9])?$/, 'a DNS-1035 label')
      .max(63),
    namespace: z.string().optional(),
    labels: z.record(z.string(), z.string().max(63)),
    annotations: z.record(z.string(), z.string()).optional(),
  }),
  spec: z.strictObject({
    predictor: z
      .looseObject({
        minReplicas: z.number().int().min(0).optional(),
        maxReplicas: z.number().int().min(0).optional(),
        scaleMetric: z.enum(['cpu', 'memory', 'concurrency', 'rps']).optional(),
        scaleTarget: z.number().int().min(1).optional(),
        containers: z.array(z.looseObject({ name: z.string() })).min(1),
      })
      .refine((p) => p.containers.some((c) => c.name === KSERVE_CONTAINER), {
        message: `the model container must be named ${KSERVE_CONTAINER}`,
      })
      .refine((p) => p.maxReplicas === undefined || p.maxReplicas >= (p.minReplicas ?? 1), {
        message: 'maxReplicas must be at least minReplicas',
      }),
  }),
});

/**
 * A KServe InferenceService for one hardware target of a model in an environment: a custom predictor
 * running Gantry's image of it (the same pod as the Deployment would run), scaled between the
 * environment's replicas and the autoscale limit. Raw deployment mode, so the cluster needs no Knative.
 */
export function kserveInferenceService(
  manifest: ModelManifest,
  target: Target,
  options: KubernetesOptions,
): object {
  const { metadata } = objectIdentity(manifest, target, options);
  const environment = manifest.environments[options.environment]!;
  const pod = modelPodSpec(manifest, target, options.image, KSERVE_CONTAINER);
  new Pod({ metadata: { name: metadata.name }, spec: pod }).validate();
  const service = {
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    metadata: {
      ...metadata,
      annotations: { 'serving.kserve.io/deploymentMode': 'RawDeployment' },
    },
    spec: {
      predictor: {
        minReplicas: environment.replicas,
        maxReplicas: Math.max(environment.replicas, options.autoscale?.maxReplicas ?? environment.replicas),
        ...(options.autoscale ? { scaleMetric: 'cpu', scaleTarget: options.autoscale.cpuUtilization } : {}),
        ...pod,
      },
    },
  };
  const checked = InferenceService.safeParse(service);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    throw new GantryError('kserve_invalid', `InferenceService ${issue.path.join('.')}: ${issue.message}`);
  }
  return service;
}
