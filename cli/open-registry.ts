import { resolve } from 'node:path';
import { GantryError } from '../core/errors.js';
import { git } from '../core/git-plumbing.js';
import { hostedRegistry } from '../core/registry/hosted-registry.js';
import { localRegistry } from '../core/registry/local-registry.js';
import type { ModelRegistry } from '../core/registry/model-registry.js';
import { githubRepository } from './github-repository.js';
import { repositoryRoot } from './options.js';

/** The local registry of the repository at `repo` (default: the one holding cwd), or why there is none. */
export async function openLocalRegistry(cwd: string, repo?: string): Promise<ModelRegistry> {
  const dir = await repositoryRoot(resolve(cwd, repo ?? '.'));
  if ((await git(dir, ['rev-parse', '--git-dir'])).code !== 0)
    throw new GantryError(
      'not_a_repository',
      `${dir} is not a git repository: the registry lives in the model's repository (run it there, or give --repo DIR)`,
    );
  return localRegistry(dir);
}

/** With `--github OWNER/REPO` the registry on GitHub (releases, environment files, deployments), else the local one. */
export function openRegistry(
  cwd: string,
  options: { repo?: string; github?: string },
  env: NodeJS.ProcessEnv,
): Promise<ModelRegistry> {
  if (options.github) return Promise.resolve(hostedRegistry(githubRepository(options.github, env)));
  return openLocalRegistry(cwd, options.repo);
}
