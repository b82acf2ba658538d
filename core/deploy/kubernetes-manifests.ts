import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Service } from 'kubernetes-models/v1';
import type { ModelManifest, Platform, Target } from '../../schemas/model-manifest.js';
import { IMAGE_USER } from '../build/render-dockerfile.js';
import { GantryError } from '../errors.js';

/** The extended resource each accelerator platform's device plugin advertises. */
export const ACCELERATOR_RESOURCES: Record<Exclude<Platform, 'cpu'>, string> = {
  cuda: 'nvidia.com/gpu',
  rocm: 'amd.com/gpu',
  neuron: 'aws.amazon.com/neuron',
  tpu: 'google.com/tpu',
  gaudi: 'habana.ai/gaudi',
};

/** Node label Gantry schedules accelerator kinds by (label GPU nodes with it, e.g. `gantry.dev/accelerator=h100`). */
export const ACCELERATOR_LABEL = 'gantry.dev/accelerator';

export interface KubernetesOptions {
  environment: string;
  /** `REGISTRY/MODEL@sha256:…`: deployments always name the exact image. */
  image: string;
  namespace?: string;
  autoscale?: { maxReplicas: number; cpuUtilization: number };
}

/** A DNS-1123 name (lower case, digits, "-"; at most 63 characters). */
function dnsName(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
}

/** Label values allow [A-Za-z0-9_.-], at most 63 characters. */
function labelValue(text: string): string {
  return text.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 63);
}

/**
 * The Kubernetes objects that serve one hardware target of a model in an environment: a Deployment
 * (image by digest, accelerator limits, node selection and tolerations for the platform, probes sized
 * from the startup timeout, non-root), a Service and, when asked, a HorizontalPodAutoscaler. Each is
 * checked against the official Kubernetes schemas before it is returned.
 */
export function kubernetesManifests(
  manifest: ModelManifest,
  target: Target,
  options: KubernetesOptions,
): object[] {
  if (!/@sha256:[a-f0-9]{64}$/.test(options.image)) {
    throw new GantryError(
      'image_not_pinned',
      `${options.image} is not an image by digest (…@sha256:…); deploy the pushed image of a build record`,
    );
  }
  const environment = manifest.environments[options.environment];
  if (!environment)
    throw new GantryError('unknown_environment', `no environment "${options.environment}" in model.yml`);
  const name = dnsName(`${manifest.name}-${options.environment}`);
  const selector = { 'app.kubernetes.io/name': dnsName(manifest.name), 'app.kubernetes.io/instance': name };
  const labels = {
    ...selector,
    'app.kubernetes.io/version': labelValue(manifest.version),
    'app.kubernetes.io/managed-by': 'gantry',
    'gantry.dev/environment': labelValue(options.environment),
    'gantry.dev/target': labelValue(target.name),
  };
  const metadata = { name, labels, ...(options.namespace ? { namespace: options.namespace } : {}) };
  const { server } = manifest;
  const accelerator = target.platform === 'cpu' ? undefined : ACCELERATOR_RESOURCES[target.platform];
  const [uid, gid] = IMAGE_USER.split(':').map(Number);
  const httpGet = { path: server.health, port: 'http' };
  const weights = manifest.weights?.source === 'mounted' ? manifest.weights : undefined;

  const deployment = new Deployment({
    metadata,
    spec: {
      replicas: options.autoscale ? undefined : environment.replicas,
      selector: { matchLabels: selector },
      // Roll one pod at a time and never below the wanted count: a new version must be ready first.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: { labels },
        spec: {
          securityContext: { runAsNonRoot: true, runAsUser: uid, runAsGroup: gid, fsGroup: gid },
          nodeSelector: {
            'kubernetes.io/arch': target.arch,
            ...(target.accelerator ? { [ACCELERATOR_LABEL]: labelValue(target.accelerator) } : {}),
          },
          ...(accelerator
            ? { tolerations: [{ key: accelerator, operator: 'Exists', effect: 'NoSchedule' }] }
            : {}),
          containers: [
            {
              name: 'model',
              image: options.image,
              ports: [{ name: 'http', containerPort: server.port }],
              env: Object.entries({ ...server.env, PORT: String(server.port) }).map(([k, value]) => ({
                name: k,
                value,
              })),
              ...(accelerator ? { resources: { limits: { [accelerator]: String(target.gpus) } } } : {}),
              // Loading weights can take minutes: the startup probe waits up to the manifest's timeout,
              // then readiness gates traffic and liveness restarts a server that stops answering.
              startupProbe: {
                httpGet,
                periodSeconds: 5,
                failureThreshold: Math.max(1, Math.ceil(server.startup_timeout_s / 5)),
              },
              readinessProbe: { httpGet, periodSeconds: 5, failureThreshold: 3 },
              livenessProbe: { httpGet, periodSeconds: 10, failureThreshold: 3 },
              securityContext: { allowPrivilegeEscalation: false },
              ...(weights
                ? { volumeMounts: [{ name: 'weights', mountPath: weights.mount_path, readOnly: true }] }
                : {}),
            },
          ],
          ...(weights
            ? {
                volumes: [
                  weights.volume
                    ? {
                        name: 'weights',
                        persistentVolumeClaim: { claimName: weights.volume, readOnly: true },
                      }
                    : { name: 'weights', hostPath: { path: weights.host_path!, type: 'Directory' } },
                ],
              }
            : {}),
        },
      },
    },
  });
  const service = new Service({
    metadata,
    spec: { type: 'ClusterIP', selector, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
  });
  const objects: (Deployment | Service | HorizontalPodAutoscaler)[] = [deployment, service];
  if (options.autoscale) {
    objects.push(
      new HorizontalPodAutoscaler({
        metadata,
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
          minReplicas: environment.replicas,
          maxReplicas: Math.max(environment.replicas, options.autoscale.maxReplicas),
          metrics: [
            {
              type: 'Resource',
              resource: {
                name: 'cpu',
                target: { type: 'Utilization', averageUtilization: options.autoscale.cpuUtilization },
              },
            },
          ],
        },
      }),
    );
  }
  for (const object of objects) object.validate();
  return objects.map((object) => object.toJSON());
}
