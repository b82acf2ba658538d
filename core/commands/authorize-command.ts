import { ROLES, type Role } from '../../schemas/app-config.js';
import type { SlashCommand } from './parse-command.js';

/** The commenter's access as GitHub's collaborator-permission endpoint answers it, or why it could not. */
export type PermissionLookup = { role_name: string; permission: string } | { error: string };

export type Authorization = { allowed: true; role: Role } | { allowed: false; reason: string };

/** The role GitHub's answer amounts to: a custom role counts as its base permission, never more. */
function roleOf(lookup: { role_name: string; permission: string }): Role | undefined {
  if ((ROLES as readonly string[]).includes(lookup.role_name)) return lookup.role_name as Role;
  const base: Record<string, Role> = { admin: 'admin', write: 'write', read: 'read' };
  return base[lookup.permission];
}

/**
 * Whether a commenter may run a command. Anything but a clear answer from GitHub is a refusal: a failed
 * or missing lookup never counts as access.
 */
export function authorizeCommand(
  command: SlashCommand,
  lookup: PermissionLookup,
  least: { benchmark: Role; promote: Role },
): Authorization {
  const needed = command.kind === 'promote' || command.kind === 'rollback' ? least.promote : least.benchmark;
  if ('error' in lookup)
    return {
      allowed: false,
      reason: `your permission on this repository could not be checked (${lookup.error})`,
    };
  const role = roleOf(lookup);
  if (!role)
    return { allowed: false, reason: `your role "${lookup.role_name}" gives no access Gantry recognises` };
  if (ROLES.indexOf(role) < ROLES.indexOf(needed))
    return { allowed: false, reason: `it needs the ${needed} role or above, and you have ${role}` };
  return { allowed: true, role };
}
