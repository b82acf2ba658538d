import { EnvironmentName } from '../../schemas/model-version.js';

export type SlashCommand =
  | { kind: 'benchmark'; profile?: string }
  | { kind: 'gate-rerun' }
  | { kind: 'promote'; model: string; version: string; environment: string }
  | { kind: 'rollback'; model: string; environment: string };

export type ParsedCommand = SlashCommand | { kind: 'invalid'; command: string; message: string };

export const COMMAND_USAGE: Record<string, string> = {
  benchmark: '/benchmark [profile]',
  gate: '/gate rerun',
  promote: '/promote MODEL@VERSION ENVIRONMENT',
  rollback: '/rollback MODEL ENVIRONMENT',
};

const MODEL = /^[a-z0-9][a-z0-9._-]*(?:\/[a-z0-9][a-z0-9._-]*)?$/;
const VERSION = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
const PROFILE = /^[A-Za-z0-9][\w.-]*$/;

function invalid(command: string, problem: string): ParsedCommand {
  return { kind: 'invalid', command, message: `${problem}; usage: \`${COMMAND_USAGE[command]}\`` };
}

function environment(command: string, name: string | undefined): string | ParsedCommand {
  if (!name) return invalid(command, 'name the environment');
  const parsed = EnvironmentName.safeParse(name);
  return parsed.success
    ? parsed.data
    : invalid(command, `"${name}" is not an environment name (${parsed.error.issues[0]!.message})`);
}

/**
 * The slash command of a comment: the first line that starts with a Gantry command (quoted lines and
 * code blocks are someone else's words, not a command). Undefined when the comment has none.
 */
export function parseCommand(body: string): ParsedCommand | undefined {
  let fenced = false;
  for (const raw of body.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('```')) fenced = !fenced;
    if (fenced || !line.startsWith('/')) continue;
    const [head, ...args] = line.split(/\s+/);
    const name = head!.slice(1);
    if (!(name in COMMAND_USAGE)) continue;
    switch (name) {
      case 'benchmark':
        if (args.length > 1) return invalid(name, 'at most one profile');
        if (args[0] && !PROFILE.test(args[0])) return invalid(name, `"${args[0]}" is not a profile name`);
        return args[0] ? { kind: 'benchmark', profile: args[0] } : { kind: 'benchmark' };
      case 'gate':
        return args.length === 1 && args[0] === 'rerun'
          ? { kind: 'gate-rerun' }
          : invalid(name, 'the gate command is "rerun"');
      case 'promote': {
        if (args.length !== 2) return invalid(name, 'name the version and the environment');
        const at = args[0]!.lastIndexOf('@');
        const model = args[0]!.slice(0, at);
        const version = args[0]!.slice(at + 1);
        if (at <= 0 || !MODEL.test(model)) return invalid(name, `"${args[0]}" is not MODEL@VERSION`);
        if (!VERSION.test(version)) return invalid(name, `"${version}" is not a semantic version like 1.2.0`);
        const env = environment(name, args[1]);
        return typeof env === 'string' ? { kind: 'promote', model, version, environment: env } : env;
      }
      default: {
        if (args.length !== 2) return invalid(name, 'name the model and the environment');
        if (!MODEL.test(args[0]!)) return invalid(name, `"${args[0]}" is not a model name`);
        const env = environment(name, args[1]);
        return typeof env === 'string' ? { kind: 'rollback', model: args[0]!, environment: env } : env;
      }
    }
  }
  return undefined;
}

/** A command as it would be typed, for replies about it. */
export function formatCommand(command: SlashCommand): string {
  switch (command.kind) {
    case 'benchmark':
      return command.profile ? `/benchmark ${command.profile}` : '/benchmark';
    case 'gate-rerun':
      return '/gate rerun';
    case 'promote':
      return `/promote ${command.model}@${command.version} ${command.environment}`;
    default:
      return `/rollback ${command.model} ${command.environment}`;
  }
}
