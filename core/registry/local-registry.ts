import { GitAuditLog } from '../audit/git-audit-log.js';
import { AuditedRegistry, auditTrail } from './audited-registry.js';
import { GitRegistry } from './git-registry.js';
import type { ModelRegistry } from './model-registry.js';

/** The registry the CLI uses: kept in the repository's git, every change also in its audit log. */
export function localRegistry(repoDir: string): ModelRegistry {
  return new AuditedRegistry(new GitRegistry(repoDir), auditTrail(new GitAuditLog(repoDir)));
}
