import type { Octokit } from '@octokit/rest';

/**
 * What Gantry's GitHub adapters use of a client: the REST methods and pagination. An @octokit/rest
 * Octokit (CLI, actions) and Probot's (the app, with its retries and throttling) both are one.
 */
export type GitHubClient = Pick<Octokit, 'rest' | 'paginate'>;
