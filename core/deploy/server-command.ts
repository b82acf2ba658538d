import type { ModelManifest } from '../../schemas/model-manifest.js';
import { GantryError } from '../errors.js';
import { splitCommandLine } from '../split-command-line.js';

/** How Gantry's REST server is started for a manifest, a port and its manifest JSON file. */
export type RestServer = (manifest: ModelManifest, port: number, manifestJson: string) => string[];

export interface ServerCommand {
  command: string[];
  env: Record<string, string>;
}

/** Server types that need their vendor's image (vLLM, TGI, Triton): they cannot run as a plain process. */
const IMAGE_ONLY = new Set(['vllm', 'tgi', 'triton']);

/**
 * The command that serves a model as a local process. Gantry tells the server its port through PORT
 * and through `${PORT}` in the command or args, so one manifest works on any free port.
 */
export function serverCommand(
  manifest: ModelManifest,
  port: number,
  restServer: RestServer,
  manifestJson: string,
): ServerCommand {
  const { server } = manifest;
  const env = {
    ...server.env,
    PORT: String(port),
    GANTRY_MODEL: manifest.name,
    GANTRY_VERSION: manifest.version,
  };
  if (server.type === 'rest')
    return { command: [...restServer(manifest, port, manifestJson), ...server.args], env };
  if (IMAGE_ONLY.has(server.type) || server.command === undefined) {
    throw new GantryError(
      'process_unsupported',
      `a ${server.type} server runs from its own image; deploy it with --target docker or kubernetes`,
    );
  }
  const base = typeof server.command === 'string' ? splitCommandLine(server.command) : server.command;
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal placeholder users write in model.yml
  const command = [...base, ...server.args].map((arg) => arg.replaceAll('${PORT}', String(port)));
  return { command, env };
}
