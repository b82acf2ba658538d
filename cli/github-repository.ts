import { Octokit } from '@octokit/rest';
import { Option } from 'commander';
import { GantryError } from '../core/errors.js';

/** `--github OWNER/REPO`: work on the repository on GitHub, through its API, instead of a clone. */
export function githubOption(): Option {
  return new Option(
    '--github <owner/repo>',
    'the repository on GitHub, through its API (GITHUB_TOKEN; GITHUB_API_URL for GitHub Enterprise Server)',
  ).conflicts('repo');
}

/** The repository `--github` names, with a client authenticated by GITHUB_TOKEN. */
export function githubRepository(
  spec: string,
  env: NodeJS.ProcessEnv,
): { octokit: Octokit; owner: string; repo: string } {
  const [owner, repo, ...rest] = spec.split('/');
  if (!owner || !repo || rest.length > 0)
    throw new GantryError('bad_option', `--github takes OWNER/REPO, not "${spec}"`, 2);
  const octokit = new Octokit({
    auth: env.GITHUB_TOKEN,
    baseUrl: env.GITHUB_API_URL || 'https://api.github.com',
  });
  return { octokit, owner, repo };
}
