import type { Arch, Platform, ServerType } from '../../schemas/model-manifest.js';

/** The hardware columns of the template table: CPU splits by architecture, accelerators do not. */
export const TEMPLATE_PLATFORMS = [
  'cuda',
  'rocm',
  'cpu-amd64',
  'cpu-arm64',
  'neuron',
  'tpu',
  'gaudi',
] as const;
export type TemplatePlatform = (typeof TEMPLATE_PLATFORMS)[number];

/** Template files under dockerfiles/: servers from an upstream image, a model's own command, or model.py. */
export type TemplateFamily = 'upstream' | 'command' | 'rest';

export type TemplateCell =
  | { supported: true; baseImage: string; env: Record<string, string> }
  | { supported: false; reason: string };

export interface ServerTemplate {
  family: TemplateFamily;
  title: string;
  platforms: Record<TemplatePlatform, TemplateCell>;
}

const NVIDIA_ENV = { NVIDIA_VISIBLE_DEVICES: 'all', NVIDIA_DRIVER_CAPABILITIES: 'compute,utility' };
const TPU_ENV = { PJRT_DEVICE: 'TPU' };
const GAUDI_ENV = { HABANA_VISIBLE_DEVICES: 'all', OMPI_MCA_btl_vader_single_copy_mechanism: 'none' };

const on = (baseImage: string, env: Record<string, string> = {}): TemplateCell => ({
  supported: true,
  baseImage,
  env,
});
const off = (reason: string): TemplateCell => ({ supported: false, reason });

/**
 * Python runtimes per platform for servers Gantry assembles itself (a model's command, or model.py):
 * each is the vendor's own framework image, so the accelerator libraries come once, from the vendor.
 */
const PYTHON_RUNTIMES: Record<TemplatePlatform, TemplateCell> = {
  cuda: on('pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime', NVIDIA_ENV),
  rocm: on('rocm/pytorch:rocm6.2.3_ubuntu22.04_py3.10_pytorch_release_2.3.0'),
  'cpu-amd64': on('python:3.12-slim-bookworm'),
  'cpu-arm64': on('python:3.12-slim-bookworm'),
  neuron: on('public.ecr.aws/neuron/pytorch-inference-neuronx:2.1.2-neuronx-py310-sdk2.20.2-ubuntu20.04'),
  tpu: on('us-central1-docker.pkg.dev/tpu-pytorch-releases/docker/xla:r2.5.0_3.10_tpuvm', TPU_ENV),
  gaudi: on(
    'vault.habana.ai/gaudi-docker/1.18.0/ubuntu22.04/habanalabs/pytorch-installer-2.4.0:latest',
    GAUDI_ENV,
  ),
};

const commandServer = (title: string): ServerTemplate => ({
  family: 'command',
  title,
  platforms: PYTHON_RUNTIMES,
});

/**
 * Which server type runs on which platform, from which pinned upstream image; where a pair is missing,
 * why. dockerfiles/README.md shows the same table to users (a test keeps the two in step).
 */
export const SERVER_TEMPLATES: Record<ServerType, ServerTemplate> = {
  vllm: {
    family: 'upstream',
    title: "vLLM's OpenAI-compatible server",
    platforms: {
      cuda: on('vllm/vllm-openai:v0.8.5', NVIDIA_ENV),
      rocm: on('rocm/vllm:rocm6.3.1_vllm_0.8.5_20250521'),
      'cpu-amd64': on('public.ecr.aws/q9t5s3a7/vllm-cpu-release-repo:v0.8.5'),
      'cpu-arm64': off(
        'vLLM publishes arm64 CPU images only for recent releases, none pinned here yet: set base_image',
      ),
      neuron: on(
        'public.ecr.aws/neuron/pytorch-inference-vllm-neuronx:0.9.1-neuronx-py310-sdk2.25.0-ubuntu22.04',
      ),
      tpu: off(
        'vLLM publishes TPU images only as nightlies, which cannot be pinned: use tgi on TPU, or set base_image',
      ),
      gaudi: off('vLLM for Gaudi is a fork with no published image: use tgi on Gaudi, or set base_image'),
    },
  },
  tgi: {
    family: 'upstream',
    title: 'Hugging Face Text Generation Inference',
    platforms: {
      cuda: on('ghcr.io/huggingface/text-generation-inference:3.0.1', NVIDIA_ENV),
      rocm: on('ghcr.io/huggingface/text-generation-inference:3.0.1-rocm'),
      'cpu-amd64': on('ghcr.io/huggingface/text-generation-inference:3.0.1-intel-cpu'),
      'cpu-arm64': off('TGI publishes no arm64 image'),
      neuron: on('ghcr.io/huggingface/neuronx-tgi:0.0.25'),
      tpu: on('ghcr.io/huggingface/optimum-tpu:v0.2.3-tgi', TPU_ENV),
      gaudi: on('ghcr.io/huggingface/tgi-gaudi:2.3.1', GAUDI_ENV),
    },
  },
  triton: {
    family: 'upstream',
    title: 'NVIDIA Triton Inference Server',
    platforms: {
      cuda: on('nvcr.io/nvidia/tritonserver:24.08-py3', NVIDIA_ENV),
      rocm: off('Triton publishes no ROCm build'),
      // The same image serves CPU-only models (ONNX Runtime, Python and OpenVINO backends) with no GPU.
      'cpu-amd64': on('nvcr.io/nvidia/tritonserver:24.08-py3'),
      'cpu-arm64': on('nvcr.io/nvidia/tritonserver:24.08-py3'),
      neuron: off('Triton has no Neuron backend image; serve Neuron models with vllm or tgi'),
      tpu: off('Triton has no TPU backend'),
      gaudi: off('Triton has no Gaudi backend image; serve Gaudi models with tgi'),
    },
  },
  openai: commandServer('an OpenAI-compatible server'),
  asr: commandServer('a speech recognition server'),
  embedding: commandServer('an embedding server'),
  tts: commandServer('a text-to-speech server'),
  custom: commandServer('a custom server'),
  rest: { family: 'rest', title: "Gantry's REST server around model.py", platforms: PYTHON_RUNTIMES },
};

/** The column a target falls in, or why none does (accelerator images are built for amd64 hosts). */
export function templatePlatform(
  platform: Platform,
  arch: Arch,
): { platform: TemplatePlatform } | { reason: string } {
  if (platform === 'cpu') return { platform: arch === 'arm64' ? 'cpu-arm64' : 'cpu-amd64' };
  if (arch === 'arm64')
    return {
      reason: `Gantry has no arm64 template for ${platform}: point the target at your own Dockerfile`,
    };
  return { platform };
}

/** CPU base image for a command that runs on Node rather than Python. */
export const NODE_CPU_BASE_IMAGE = 'node:20-bookworm-slim';
