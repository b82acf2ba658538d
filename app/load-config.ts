import type { Context } from 'probot';
import type { ConfigCache } from '../core/app/config-cache.js';
import {
  CONFIG_CHECK_NAME,
  CONFIG_FILE,
  type ConfigProblem,
  configCheck,
  configSyntaxProblems,
  readAppConfig,
} from '../core/app/read-app-config.js';
import { fileText, httpStatus } from '../core/github-client.js';
import type { AppConfig } from '../schemas/app-config.js';
import { writeCheckRun } from './write-check-run.js';

/** An event about one repository, the key of its cached config. */
type RepositoryContext = Context & { payload: { repository: { id: number } } };

/** The config file as written on the default branch, to place problems on their lines. */
async function configText(context: Context): Promise<string | undefined> {
  return fileText(context.octokit, context.repo(), CONFIG_FILE).catch(() => undefined);
}

/**
 * What Probot's config loader reads for the event's repository, from `configs` while it is fresh: a
 * request saved on nearly every event (two where the owner's `.github` repository is asked too). A read
 * that fails is not kept.
 */
async function loaderData(context: RepositoryContext, configs: ConfigCache): Promise<unknown> {
  const { id } = context.payload.repository;
  const { owner } = context.repo();
  const cached = configs.get(id, owner);
  if (cached) return cached.data;
  const data = await context.config(CONFIG_FILE.replace('.github/', ''));
  configs.set(id, owner, data);
  return data;
}

/**
 * The repository's `.github/gantry.yml` (from its default branch, so a pull request cannot change how it
 * is itself judged), read with Probot's config loader, or kept in `configs` since it was. When it is
 * invalid, a failing `gantry/config` check on `headSha` says where and why, and undefined is returned: the
 * event is not handled with a guess.
 */
export async function loadConfig(
  context: RepositoryContext,
  headSha: string,
  configs: ConfigCache,
): Promise<AppConfig | undefined> {
  let reading: { problems: ConfigProblem[] };
  try {
    const data = await loaderData(context, configs);
    const first = readAppConfig(data);
    if ('config' in first) return first.config;
    // Only now is the file read as written: its lines place the problems.
    const located = readAppConfig(data, await configText(context));
    reading = 'problems' in located ? located : first;
  } catch (error) {
    // The loader only says the file is not YAML; the file itself says where.
    if (httpStatus(error)) throw error;
    reading = { problems: configSyntaxProblems(await configText(context)) };
  }
  const { owner, repo } = context.repo();
  const existing = await context.octokit.rest.checks.listForRef({
    owner,
    repo,
    ref: headSha,
    check_name: CONFIG_CHECK_NAME,
  });
  const check = configCheck(reading.problems);
  // The same problems already reported on this commit: say nothing twice.
  if (!existing.data.check_runs.some((r) => r.output.title === check.title && r.status === 'completed'))
    await writeCheckRun(context, { name: CONFIG_CHECK_NAME, head_sha: headSha }, check);
  context.log.warn({ problems: reading.problems }, `${CONFIG_FILE} is invalid`);
  return undefined;
}
