import type { DockerImage } from './docker.js';

export interface PruneChoice {
  keep: DockerImage[];
  remove: DockerImage[];
}

/**
 * Which local Gantry images are superseded: per model and target (from the image labels), the
 * `keep` newest stay and the older ones go. Images without Gantry labels are never touched.
 */
export function chooseImagesToPrune(images: DockerImage[], keep: number, model?: string): PruneChoice {
  const groups = new Map<string, DockerImage[]>();
  for (const image of images) {
    const labels = image.Config.Labels ?? {};
    const name = labels['dev.gantry.model'];
    if (name === undefined || (model !== undefined && name !== model)) continue;
    const key = `${name}\u0000${labels['dev.gantry.target'] ?? ''}`;
    groups.set(key, [...(groups.get(key) ?? []), image]);
  }
  const choice: PruneChoice = { keep: [], remove: [] };
  for (const group of groups.values()) {
    const newestFirst = [...group].sort((a, b) => Date.parse(b.Created) - Date.parse(a.Created));
    choice.keep.push(...newestFirst.slice(0, keep));
    choice.remove.push(...newestFirst.slice(keep));
  }
  return choice;
}
