import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import type {
  IIoK8sApiCoreV1Container,
  IIoK8sApiCoreV1PodSpec,
  IIoK8sApiCoreV1Volume,
} from 'kubernetes-models/v1';
import { Service } from 'kubernetes-models/v1';
import type { ModelManifest, Platform, Target } from '../../schemas/model-manifest.js';
import { IMAGE_USER } from '../build/render-dockerfile.js';
import { GantryError } from '../errors.js';
import { weightsFileName } from './weights-file-name.js';

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
export function dnsName(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
}

/** Label values allow [A-Za-z0-9_.-], at most 63 characters. */
export function labelValue(text: string): string {
  return text.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 63);
}

/** Image of the init container that downloads URL weights: busybox has wget and sha256sum. */
export const WEIGHTS_FETCHER_IMAGE = 'busybox:1.36.1';

function checkPinned(image: string): void {
  if (!/@sha256:[a-f0-9]{64}$/.test(image)) {
    throw new GantryError(
      'image_not_pinned',
      `${image} is not an image by digest (…@sha256:…); deploy the pushed image of a build record`,
    );
  }
}

/** Name and labels every object of a model's deployment in an environment carries. */
export function objectIdentity(manifest: ModelManifest, target: Target, options: KubernetesOptions) {
  if (!manifest.environments[options.environment])
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
  return { name, selector, labels, metadata };
}

/** Where weights come from at run time: a claim, a host folder, or a download an init container checks. */
function weightsVolume(
  manifest: ModelManifest,
): { volume: IIoK8sApiCoreV1Volume; fetch?: IIoK8sApiCoreV1Container } | undefined {
  const weights = manifest.weights;
  if (weights?.source === 'mounted') {
    return {
      volume: weights.volume
        ? { name: 'weights', persistentVolumeClaim: { claimName: weights.volume, readOnly: true } }
        : { name: 'weights', hostPath: { path: weights.host_path!, type: 'Directory' } },
    };
  }
  if (weights?.source === 'url') {
    const file = `${weights.mount_path}/${weightsFileName(weights.url)}`;
    return {
      volume: { name: 'weights', emptyDir: {} },
      fetch: {
        name: 'fetch-weights',
        image: WEIGHTS_FETCHER_IMAGE,
        // A download that does not match its SHA-256 fails the pod: the model never starts on it.
        command: [
          'sh',
          '-c',
          'set -eu; wget -q -O "$FILE.part" "$URL"; echo "$SHA256  $FILE.part" | sha256sum -c -; mv "$FILE.part" "$FILE"',
        ],
        env: [
          { name: 'URL', value: weights.url },
          { name: 'SHA256', value: weights.sha256 },
          { name: 'FILE', value: file },
        ],
        volumeMounts: [{ name: 'weights', mountPath: weights.mount_path }],
        securityContext: { allowPrivilegeEscalation: false },
      },
    };
  }
  return undefined;
}

/**
 * The pod of one hardware target of a model: the model container (image by digest, accelerator limits,
 * probes sized from the startup timeout, non-root), node selection and tolerations for the platform,
 * and its weights. Deployments and KServe predictors both run it.
 */
export function modelPodSpec(
  manifest: ModelManifest,
  target: Target,
  image: string,
  containerName: string,
): IIoK8sApiCoreV1PodSpec {
  checkPinned(image);
  const { server } = manifest;
  const accelerator = target.platform === 'cpu' ? undefined : ACCELERATOR_RESOURCES[target.platform];
  const [uid, gid] = IMAGE_USER.split(':').map(Number);
  const httpGet = { path: server.health, port: 'http' };
  const weights = weightsVolume(manifest);
  return {
    securityContext: { runAsNonRoot: true, runAsUser: uid, runAsGroup: gid, fsGroup: gid },
    nodeSelector: {
      'kubernetes.io/arch': target.arch,
      ...(target.accelerator ? { [ACCELERATOR_LABEL]: labelValue(target.accelerator) } : {}),
    },
    ...(accelerator ? { tolerations: [{ key: accelerator, operator: 'Exists', effect: 'NoSchedule' }] } : {}),
    ...(weights?.fetch ? { initContainers: [weights.fetch] } : {}),
    containers: [
      {
        name: containerName,
        image,
        ports: [{ name: 'http', containerPort: server.port, protocol: 'TCP' }],
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
        ...(weights && manifest.weights?.source !== 'baked'
          ? { volumeMounts: [{ name: 'weights', mountPath: manifest.weights!.mount_path, readOnly: true }] }
          : {}),
      },
    ],
    ...(weights ? { volumes: [weights.volume] } : {}),
  };
}

/**
 * The Kubernetes objects that serve one hardware target of a model in an environment: a Deployment of
 * the model's pod, a Service and, when asked, a HorizontalPodAutoscaler. Each is checked against the
 * official Kubernetes schemas before it is returned.
 */
export function kubernetesManifests(
  manifest: ModelManifest,
  target: Target,
  options: KubernetesOptions,
): object[] {
  const { name, selector, labels, metadata } = objectIdentity(manifest, target, options);
  const environment = manifest.environments[options.environment]!;
  const deployment = new Deployment({
    metadata,
    spec: {
      replicas: options.autoscale ? undefined : environment.replicas,
      selector: { matchLabels: selector },
      // Roll one pod at a time and never below the wanted count: a new version must be ready first.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: { metadata: { labels }, spec: modelPodSpec(manifest, target, options.image, 'model') },
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
