import { CONFIG_FILE } from './read-app-config.js';

/** What of GitHub's push event the decision reads. */
export interface PushEvent {
  ref: string;
  forced: boolean;
  commits: { added?: string[]; modified?: string[]; removed?: string[] }[];
  repository: { name: string; default_branch?: string };
}

/** What a push changed of the configuration the config loader reads. */
export type ConfigChange = 'repository' | 'owner' | 'none';

/**
 * GitHub documents the push event's commit list as capped at 20 commits: a list that long may be cut
 * short, so it may hide the commit that changed the file.
 */
const LISTED_COMMITS_CAP = 20;

/** The repository that holds an owner's fallback configuration for all its repositories. */
const OWNER_CONFIG_REPOSITORY = '.github';

/**
 * Whether a push changes what the config loader reads: the repository's own `.github/gantry.yml` on its
 * default branch ('repository'), or the one in the owner's `.github` repository, which every repository of
 * the owner without a file of its own falls back to ('owner'). When the commits cannot tell (a forced push,
 * which may drop commits, or a list that is empty or may be cut short) the answer is that it changed.
 */
export function configChangedBy(push: PushEvent): ConfigChange {
  if (push.ref !== `refs/heads/${push.repository.default_branch}`) return 'none';
  const unknown = push.forced || push.commits.length === 0 || push.commits.length >= LISTED_COMMITS_CAP;
  const touched = push.commits.some((c) =>
    [c.added, c.modified, c.removed].some((paths) => paths?.includes(CONFIG_FILE)),
  );
  if (!unknown && !touched) return 'none';
  return push.repository.name.toLowerCase() === OWNER_CONFIG_REPOSITORY ? 'owner' : 'repository';
}
