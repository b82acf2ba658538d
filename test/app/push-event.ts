import type { Context } from 'probot';
import { example, INSTALLATION } from './app-harness.js';

type PushEvent = Context<'push'>['payload'];

/** The fields of a payload's repository that name it; taken from another event's payload, ids agree. */
export interface PushedRepository {
  id: number;
  name: string;
  full_name: string;
  default_branch: string;
  owner: { login: string; id: number };
}

/**
 * GitHub's example push of one commit to the default branch (its fifth example: the first with a commit on
 * a branch), made a push to `repository`, to `ref` when given, whose commit modified `modified` (and
 * removed `removed`).
 */
export function pushEvent(
  repository: PushedRepository,
  modified: string[],
  options: { ref?: string; removed?: string[] } = {},
): PushEvent {
  const { ref, removed = [] } = options;
  const push = example('push', undefined, 4);
  const commits = push.commits as Record<string, unknown>[];
  const exampleRepository = push.repository as Record<string, unknown>;
  const { id, name, full_name, default_branch, owner } = repository;
  return {
    ...push,
    installation: INSTALLATION,
    ref: ref ?? `refs/heads/${default_branch}`,
    commits: commits.map((c) => ({ ...c, added: [], removed, modified })),
    head_commit: { ...commits.at(-1), added: [], removed, modified },
    repository: {
      ...exampleRepository,
      id,
      name,
      full_name,
      default_branch,
      master_branch: default_branch,
      owner: { ...(exampleRepository.owner as object), login: owner.login, name: owner.login, id: owner.id },
    },
  } as unknown as PushEvent;
}
