import { parse, stringify } from 'yaml';
import { EnvironmentFile } from '../../schemas/environment-file.js';
import type { EnvironmentEntry } from '../../schemas/model-version.js';
import { GantryError } from '../errors.js';
import { planRollback } from '../registry/environment-history.js';

/** Where an environment's desired state is kept in the repository. */
export const environmentPath = (environment: string) => `.gantry/environments/${environment}.yml`;

const ENVIRONMENT_FILE = /^\.gantry\/environments\/([^/]+)\.yml$/;

/** The environment a repository path is the desired-state file of (see environmentPath), or undefined. */
export function environmentOfPath(path: string): string | undefined {
  return ENVIRONMENT_FILE.exec(path)?.[1];
}

export type EnvironmentRequest =
  | { kind: 'promote'; model: string; version: string; environment: string }
  | { kind: 'rollback'; model: string; environment: string };

export interface EnvironmentChange {
  path: string;
  /** The file with the change made. */
  text: string;
  entry: EnvironmentEntry;
  /** The branch the promotion pull request comes from: one per change, so asking twice finds the first. */
  branch: string;
  title: string;
  body: string;
}

/** An environment file's content, checked; a missing file (undefined) is an environment nothing runs in yet. */
export function parseEnvironmentFile(text: string | undefined, path: string): EnvironmentFile {
  const parsed = EnvironmentFile.safeParse(text === undefined ? {} : (parse(text) ?? {}));
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new GantryError(
    'environment_file_malformed',
    `${path}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`,
  );
}

/** An environment file as Gantry writes it, with a first line saying how it is meant to change. */
export function renderEnvironmentFile(environment: string, file: EnvironmentFile): string {
  return `# Desired state of the ${environment} environment, kept by Gantry: change it through a promotion pull request.\n${stringify(file)}`;
}

/**
 * The change of an environment file that a promotion pull request proposes: the model's new version and
 * the entry recording the move. A rollback goes to the version the environment ran before, by its history.
 */
export function environmentChange(
  current: string | undefined,
  request: EnvironmentRequest,
  by: { actor: string; now: Date; note: string },
): EnvironmentChange {
  const path = environmentPath(request.environment);
  const file = parseEnvironmentFile(current, path);
  const state = file.models[request.model];
  const history = state?.history ?? [];
  const fields = {
    model: request.model,
    environment: request.environment,
    actor: by.actor,
    now: by.now,
    note: by.note,
  };
  let entry: EnvironmentEntry;
  if (request.kind === 'rollback') entry = planRollback(history, fields);
  else {
    if (state?.version === request.version)
      throw new GantryError(
        'already_current',
        `${request.model}@${request.version} already runs in ${request.environment}: nothing to promote`,
        1,
      );
    entry = {
      seq: (history.at(-1)?.seq ?? 0) + 1,
      model: request.model,
      environment: request.environment,
      from: state?.version ?? null,
      to: request.version,
      reason: 'promote',
      actor: by.actor,
      time: by.now.toISOString(),
      note: by.note,
    };
  }
  const models = { ...file.models, [request.model]: { version: entry.to, history: [...history, entry] } };
  const text = renderEnvironmentFile(request.environment, { models });
  const verb = request.kind === 'promote' ? 'Promote' : 'Roll back';
  const slug = `${request.model.replaceAll('/', '-')}-${entry.to}`;
  return {
    path,
    text,
    entry,
    branch: `gantry/${request.kind}/${request.environment}/${slug}`,
    title: `${verb} ${request.model} to ${entry.to} in ${request.environment}`,
    body: [
      `${verb} **${request.model}** in **${request.environment}**: ${entry.from ?? '(none)'} → **${entry.to}**.`,
      '',
      `Asked for by @${by.actor}: ${by.note}`,
      '',
      `Merging this pull request changes \`${path}\`; the deploy workflow then moves the environment.`,
    ].join('\n'),
  };
}
