import type { Context } from 'probot';
import { GitHubRegistry } from '../core/registry/github-registry.js';
import { hostedRegistry } from '../core/registry/hosted-registry.js';
import type { ModelRegistry } from '../core/registry/model-registry.js';
import type { AuditDraft } from '../schemas/audit-entry.js';

export type RepositoryContext = Context & { payload: { repository: { default_branch: string } } };

const options = (context: RepositoryContext) => ({
  octokit: context.octokit,
  ...context.repo(),
  branch: context.payload.repository.default_branch,
});

/** The repository's registry (releases, environment files, deployments), for reading only. */
export function readRegistry(context: RepositoryContext): ModelRegistry {
  return new GitHubRegistry(options(context));
}

/** The repository's registry with every change also an audit entry linking to what caused it. */
export function auditedRegistry(context: RepositoryContext, links: AuditDraft['links']): ModelRegistry {
  return hostedRegistry(options(context), { ...links, delivery: context.id });
}
