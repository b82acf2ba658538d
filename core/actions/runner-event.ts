import { readFile } from 'node:fs/promises';

/** The parts of a workflow run's event payload that the steps read. */
export interface RunnerEvent {
  pull_request?: { number?: number; base?: { sha?: string } };
  repository?: { full_name?: string };
  /** A push's commit before it: all zeros for a new branch. */
  before?: string;
}

/** The event that started the run (GITHUB_EVENT_NAME) and its payload (GITHUB_EVENT_PATH); none off a runner. */
export async function runnerEvent(
  env: NodeJS.ProcessEnv,
): Promise<{ name: string; payload: RunnerEvent } | undefined> {
  if (!env.GITHUB_EVENT_PATH) return undefined;
  const payload = JSON.parse(await readFile(env.GITHUB_EVENT_PATH, 'utf8')) as RunnerEvent;
  return { name: env.GITHUB_EVENT_NAME ?? '', payload };
}
