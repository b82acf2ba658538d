import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { kserveInferenceService } from '../../core/deploy/kserve-inference-service.js';
import { kubernetesManifests, WEIGHTS_FETCHER_IMAGE } from '../../core/deploy/kubernetes-manifests.js';
import { parseManifest } from '../../core/manifest/parse-manifest.js';
import { runCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const IMAGE = `ghcr.io/acme/llm@${DIGEST}`;

const MANIFEST = `name: acme/llm
version: 2.1.0+build.7
task: llm
server:
  type: vllm
  startup_timeout_s: 600
weights: { source: mounted, volume: llm-weights, mount_path: /models }
targets:
  - { name: h100, platform: cuda, accelerator: h100, gpus: 2 }
  - { name: mi300x, platform: rocm, accelerator: mi300x }
  - { name: cpu, platform: cpu }
  - { name: graviton, platform: cpu, arch: arm64 }
  - { name: inf2, platform: neuron, accelerator: inf2 }
  - { name: v5e, platform: tpu, accelerator: v5e, gpus: 4 }
  - { name: gaudi2, platform: gaudi, accelerator: gaudi2 }
environments:
  production: { deploy: kubernetes, replicas: 3, namespace: serving }
`;

function manifest() {
  const parsed = parseManifest(MANIFEST, 'model.yml', { pathExists: () => true });
  if (!parsed.manifest) throw new Error(JSON.stringify(parsed.diagnostics));
  return parsed.manifest;
}

type Objects = [
  {
    kind: string;
    metadata: { name: string; labels: Record<string, string> };
    spec: { replicas: number; template: { spec: PodSpec } };
  },
  { kind: string; spec: { ports: { port: number; targetPort: string }[] } },
];
interface PodSpec {
  initContainers?: unknown[];
  nodeSelector: Record<string, string>;
  tolerations?: { key: string }[];
  securityContext: { runAsNonRoot: boolean; runAsUser: number };
  containers: {
    name: string;
    image: string;
    resources?: { limits: Record<string, string> };
    startupProbe: { httpGet: { path: string }; periodSeconds: number; failureThreshold: number };
    readinessProbe: unknown;
    livenessProbe: unknown;
    volumeMounts?: { mountPath: string }[];
  }[];
  volumes?: { persistentVolumeClaim?: { claimName: string }; emptyDir?: object }[];
}

describe('Kubernetes manifests', () => {
  it.each([
    ['h100', 'nvidia.com/gpu', '2', 'amd64', 'h100'],
    ['mi300x', 'amd.com/gpu', '1', 'amd64', 'mi300x'],
    ['cpu', undefined, undefined, 'amd64', undefined],
    ['graviton', undefined, undefined, 'arm64', undefined],
    ['inf2', 'aws.amazon.com/neuron', '1', 'amd64', 'inf2'],
    ['v5e', 'google.com/tpu', '4', 'amd64', 'v5e'],
    ['gaudi2', 'habana.ai/gaudi', '1', 'amd64', 'gaudi2'],
  ])(
    '%s: validate against the official schemas, with its accelerator resource, selectors and probes',
    (name, resource, count, arch, accelerator) => {
      const m = manifest();
      const [deployment, service] = kubernetesManifests(m, m.targets.find((t) => t.name === name)!, {
        environment: 'production',
        image: IMAGE,
        namespace: 'serving',
      }) as Objects;
      expect(deployment.kind).toBe('Deployment');
      expect(deployment.metadata.name).toBe('acme-llm-production');
      expect(deployment.metadata.labels['app.kubernetes.io/version']).toBe('2.1.0_build.7');
      expect(deployment.spec.replicas).toBe(3);
      const pod = deployment.spec.template.spec;
      const [container] = pod.containers;
      expect(container!.image).toBe(IMAGE);
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001 });
      expect(pod.nodeSelector['kubernetes.io/arch']).toBe(arch);
      expect(pod.nodeSelector['gantry.dev/accelerator']).toBe(accelerator);
      expect(container!.resources?.limits).toEqual(resource ? { [resource]: count } : undefined);
      expect(pod.tolerations?.map((t) => t.key)).toEqual(resource ? [resource] : undefined);
      // A 600 s startup timeout becomes 120 startup checks 5 s apart before liveness may restart it.
      expect(container!.startupProbe).toMatchObject({
        httpGet: { path: '/health' },
        periodSeconds: 5,
        failureThreshold: 120,
      });
      expect(container!.readinessProbe).toBeDefined();
      expect(container!.livenessProbe).toBeDefined();
      expect(container!.volumeMounts).toEqual([expect.objectContaining({ mountPath: '/models' })]);
      expect(pod.volumes?.[0]?.persistentVolumeClaim?.claimName).toBe('llm-weights');
      expect(service.kind).toBe('Service');
      expect(service.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 'http' }]);
    },
  );

  it('adds a HorizontalPodAutoscaler on request, and refuses an image that is not pinned by digest', () => {
    const m = manifest();
    const objects = kubernetesManifests(m, m.targets[0]!, {
      environment: 'production',
      image: IMAGE,
      autoscale: { maxReplicas: 8, cpuUtilization: 70 },
    }) as { kind: string; spec: Record<string, unknown> }[];
    expect(objects.map((o) => o.kind)).toEqual(['Deployment', 'Service', 'HorizontalPodAutoscaler']);
    expect(objects[2]!.spec).toMatchObject({ minReplicas: 3, maxReplicas: 8 });
    expect(objects[0]!.spec.replicas).toBeUndefined();
    expect(() =>
      kubernetesManifests(m, m.targets[0]!, {
        environment: 'production',
        image: 'ghcr.io/acme/llm:2.1.0-h100',
      }),
    ).toThrow('is not an image by digest');
  });

  it('gantry deploy --target kubernetes writes the manifests, and says where when kubectl is missing', async () => {
    const dir = tempDir();
    const modelDir = join(dir, 'llm');
    (await import('node:fs')).mkdirSync(modelDir);
    (await import('node:fs')).writeFileSync(join(modelDir, 'model.yml'), MANIFEST);
    const missing = await runCli(['deploy', modelDir, '--env', 'production', '--image', IMAGE], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      'choose the hardware target with --hardware: h100, mi300x, cpu, graviton, inf2, v5e, gaudi2',
    );

    const run = await runCli(
      ['deploy', modelDir, '--env', 'production', '--image', IMAGE, '--hardware', 'h100', '--apply'],
      {
        cwd: dir,
        env: { PATH: '/nonexistent' },
      },
    );
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('note: kubectl is not installed here');
    expect(run.stdout).toBe('wrote .gantry/kubernetes/acme-llm-production.yaml\n');
    const documents = parseAllDocuments(
      readFileSync(join(dir, '.gantry/kubernetes/acme-llm-production.yaml'), 'utf8'),
    );
    expect(
      documents.map(
        (d) => (d.toJS() as { kind: string; metadata: { namespace: string } }).metadata.namespace,
      ),
    ).toEqual(['serving', 'serving']);
  });

  it.each([
    ['h100', 'nvidia.com/gpu', '2'],
    ['mi300x', 'amd.com/gpu', '1'],
    ['cpu', undefined, undefined],
    ['graviton', undefined, undefined],
    ['inf2', 'aws.amazon.com/neuron', '1'],
    ['v5e', 'google.com/tpu', '4'],
    ['gaudi2', 'habana.ai/gaudi', '1'],
  ])('%s as a KServe InferenceService: a custom predictor running the same pod', (name, resource, count) => {
    const m = manifest();
    const target = m.targets.find((t) => t.name === name)!;
    const options = { environment: 'production', image: IMAGE, namespace: 'serving' };
    const service = kserveInferenceService(m, target, {
      ...options,
      autoscale: { maxReplicas: 6, cpuUtilization: 70 },
    }) as {
      apiVersion: string;
      kind: string;
      metadata: { name: string; namespace: string; annotations: Record<string, string> };
      spec: { predictor: PodSpec & Record<string, unknown> };
    };
    expect(service).toMatchObject({
      apiVersion: 'serving.kserve.io/v1beta1',
      kind: 'InferenceService',
      metadata: {
        name: 'acme-llm-production',
        namespace: 'serving',
        annotations: { 'serving.kserve.io/deploymentMode': 'RawDeployment' },
      },
    });
    const { predictor } = service.spec;
    expect(predictor).toMatchObject({ minReplicas: 3, maxReplicas: 6, scaleMetric: 'cpu', scaleTarget: 70 });
    expect(predictor.containers.map((c) => [c.name, c.image])).toEqual([['kserve-container', IMAGE]]);
    expect(predictor.containers[0]!.resources?.limits).toEqual(resource ? { [resource]: count } : undefined);
    expect(predictor.containers[0]!.startupProbe.failureThreshold).toBe(120);
    // The predictor's pod is the Deployment's pod, but for the container's name.
    const [deployment] = kubernetesManifests(m, target, options) as Objects;
    const { containers, ...podFields } = deployment.spec.template.spec;
    expect(predictor).toMatchObject(podFields);
    expect({ ...predictor.containers[0], name: 'model' }).toEqual(containers[0]);
  });

  it('downloads URL weights in an init container that checks their SHA-256, mounted read-only', () => {
    const sha256 = 'c0ffee'.repeat(10) + 'c0ff';
    const m = parseManifest(
      MANIFEST.replace(
        'weights: { source: mounted, volume: llm-weights, mount_path: /models }',
        `weights: { source: url, url: "https://weights.example.com/llm/model.safetensors?v=2", sha256: ${sha256} }`,
      ),
      'model.yml',
      { pathExists: () => true },
    ).manifest!;
    const [deployment] = kubernetesManifests(m, m.targets[0]!, {
      environment: 'production',
      image: IMAGE,
    }) as {
      spec: { template: { spec: Record<string, unknown> & PodSpec } };
    }[];
    const pod = deployment!.spec.template.spec;
    expect(pod.volumes).toEqual([{ name: 'weights', emptyDir: {} }]);
    expect(pod.initContainers).toEqual([
      expect.objectContaining({
        name: 'fetch-weights',
        image: WEIGHTS_FETCHER_IMAGE,
        env: [
          { name: 'URL', value: 'https://weights.example.com/llm/model.safetensors?v=2' },
          { name: 'SHA256', value: sha256 },
          { name: 'FILE', value: '/models/model.safetensors' },
        ],
        volumeMounts: [{ name: 'weights', mountPath: '/models' }],
      }),
    ]);
    expect(pod.containers[0]!.volumeMounts).toEqual([
      { name: 'weights', mountPath: '/models', readOnly: true },
    ]);
  });

  it('gantry deploy --kserve writes the InferenceService', async () => {
    const dir = tempDir();
    const modelDir = join(dir, 'llm');
    mkdirSync(modelDir);
    writeFileSync(join(modelDir, 'model.yml'), MANIFEST);
    const run = await runCli(
      ['deploy', modelDir, '--env', 'production', '--image', IMAGE, '--hardware', 'h100', '--kserve'],
      { cwd: dir },
    );
    expect(run.code, run.stderr).toBe(0);
    const [document] = parseAllDocuments(
      readFileSync(join(dir, '.gantry/kubernetes/acme-llm-production.yaml'), 'utf8'),
    ).map((d) => d.toJS() as { kind: string });
    expect(document!.kind).toBe('InferenceService');
  });
});
