import type { ModelManifest, Target } from '../../schemas/model-manifest.js';
import { imageHereOrPulled } from '../build/docker.js';
import { chooseBaseImage, selectTemplate } from '../build/select-template.js';
import { GantryError } from '../errors.js';

/** How the pipeline serves the model here: a container built from one target, or a local process. */
export type ServingPlan =
  | { target: 'docker'; build: Target; baseImage?: string }
  | { target: 'process'; reason: string };

export interface ServingChoice {
  /** What the user asked for; left out, Docker when an engine answers and the image can be built. */
  requested?: 'process' | 'docker';
  engines: { docker: boolean };
  /** Architecture of the engine's host. */
  arch: string;
  baseImage?: string;
  /** Whether an image is here or can be pulled (the engine's answer unless replaced). */
  imageAvailable?: (reference: string) => Promise<boolean>;
}

const engineHasOrPulls = async (reference: string) =>
  (await imageHereOrPulled(reference, 10 * 60_000)) !== undefined;

/**
 * Docker when an engine is here and a CPU image for its architecture can be built (its base image is
 * here or can be pulled); otherwise a local process, with the reason. Asked for docker, a missing piece
 * is an error rather than a quiet fallback.
 */
export async function planServing(manifest: ModelManifest, choice: ServingChoice): Promise<ServingPlan> {
  if (choice.requested === 'process') return { target: 'process', reason: 'asked for (--target process)' };
  const refuse = (reason: string): ServingPlan => {
    if (choice.requested === 'docker')
      throw new GantryError('docker_unavailable', `cannot serve ${manifest.name} in Docker: ${reason}`, 1);
    return { target: 'process', reason: `${reason}: serving as a local process` };
  };
  if (!choice.engines.docker) return refuse('no container engine here');
  const build = manifest.targets.find((t) => t.platform === 'cpu' && t.arch === choice.arch);
  if (!build) {
    const targets = manifest.targets.map((t) => `${t.name} (${t.platform}/${t.arch})`).join(', ');
    return refuse(`no cpu ${choice.arch} target to build here (model.yml has ${targets})`);
  }
  const baseImage = chooseBaseImage(selectTemplate(manifest, build), build, choice.baseImage);
  const available = choice.imageAvailable ?? engineHasOrPulls;
  if (baseImage && !(await available(baseImage)))
    return refuse(`base image ${baseImage} is not here and cannot be pulled (pass --base-image)`);
  return { target: 'docker', build, ...(baseImage ? { baseImage } : {}) };
}
