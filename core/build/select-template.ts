import type { ModelManifest, Target } from '../../schemas/model-manifest.js';
import { GantryError } from '../errors.js';
import { splitCommandLine } from '../split-command-line.js';
import {
  NODE_CPU_BASE_IMAGE,
  SERVER_TEMPLATES,
  type TemplateFamily,
  type TemplatePlatform,
  templatePlatform,
} from './templates.js';

export type TemplateSelection =
  | { kind: 'own'; dockerfile: string }
  | {
      kind: 'template';
      family: TemplateFamily;
      /** File under dockerfiles/. */
      file: string;
      title: string;
      platform: TemplatePlatform;
      /** The pinned upstream image the template names as BASE_IMAGE's default. */
      defaultBaseImage: string;
      env: Record<string, string>;
    };

/** The target named on the command line, or an error listing the ones model.yml has. */
export function findTarget(manifest: ModelManifest, name: string): Target {
  const target = manifest.targets.find((t) => t.name === name);
  if (target) return target;
  const known = manifest.targets.map((t) => t.name).join(', ');
  throw new GantryError(
    'unknown_target',
    `${manifest.name} has no target "${name}"; model.yml lists: ${known}`,
    1,
  );
}

/** The command of a command-type server as an argument list. */
export function serverCommandLine(manifest: ModelManifest): string[] {
  const { command } = manifest.server;
  if (command === undefined) return [];
  return typeof command === 'string' ? splitCommandLine(command) : command;
}

/**
 * Which Dockerfile builds a target: the user's own when the target names one, otherwise the template
 * for its server type and platform; an error saying why when Gantry has no template for the pair.
 */
export function selectTemplate(manifest: ModelManifest, target: Target): TemplateSelection {
  if (target.dockerfile !== undefined) return { kind: 'own', dockerfile: target.dockerfile };
  const column = templatePlatform(target.platform, target.arch);
  if ('reason' in column) throw new GantryError('no_template', `target ${target.name}: ${column.reason}`, 1);
  const server = SERVER_TEMPLATES[manifest.server.type];
  const cell = server.platforms[column.platform];
  if (!cell.supported) {
    throw new GantryError(
      'no_template',
      `target ${target.name}: no ${manifest.server.type} template for ${column.platform} (${cell.reason}); ` +
        'or point the target at your own Dockerfile with `dockerfile:` in model.yml',
      1,
    );
  }
  // A Node server needs Node, which the Python CPU images lack; accelerator images keep their vendor's.
  const runsOnNode = server.family === 'command' && serverCommandLine(manifest)[0] === 'node';
  const cpu = column.platform === 'cpu-amd64' || column.platform === 'cpu-arm64';
  return {
    kind: 'template',
    family: server.family,
    file: `${server.family}.Dockerfile`,
    title: server.title,
    platform: column.platform,
    defaultBaseImage: runsOnNode && cpu ? NODE_CPU_BASE_IMAGE : cell.baseImage,
    env: cell.env,
  };
}

/** The base image a build uses: the command line's, then the target's in model.yml, then the template's. */
export function chooseBaseImage(
  selection: TemplateSelection,
  target: Target,
  override: string | undefined,
): string | undefined {
  return (
    override ?? target.base_image ?? (selection.kind === 'template' ? selection.defaultBaseImage : undefined)
  );
}
