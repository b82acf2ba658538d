import type { AuditDraft } from '../../schemas/audit-entry.js';
import { GitHubAuditLog } from '../audit/github-audit-log.js';
import { AuditedRegistry, auditTrail } from './audited-registry.js';
import { GitHubRegistry, type GitHubRegistryOptions } from './github-registry.js';
import type { ModelRegistry } from './model-registry.js';

/**
 * The registry the app, an action or the CLI with a token use: releases, environment files and
 * deployments of a GitHub repository, every change also in the repository's audit log through the API.
 */
export function hostedRegistry(
  options: GitHubRegistryOptions,
  links: AuditDraft['links'] = {},
): ModelRegistry {
  const audit = new GitHubAuditLog({ octokit: options.octokit, owner: options.owner, repo: options.repo });
  return new AuditedRegistry(new GitHubRegistry(options), auditTrail(audit), links);
}
