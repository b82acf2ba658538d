import type { Context } from 'probot';
import type { PermissionLookup } from '../core/commands/authorize-command.js';
import { httpStatus } from '../core/github-client.js';

/** GitHub could not answer now (a server error, a rate limit): asking again later may succeed. */
function transient(error: unknown): boolean {
  const { status, message = '' } = error as { status?: number; message?: string };
  return (
    status === undefined || status >= 500 || status === 429 || (status === 403 && /rate limit/i.test(message))
  );
}

/**
 * A user's access to the repository as GitHub answers it; a failed lookup is kept as the reason, never as
 * access. A transient failure is thrown instead: the delivery fails and is handled again, rather than
 * refusing someone for good because GitHub was busy.
 */
export async function collaboratorPermission(
  octokit: Context['octokit'],
  repo: { owner: string; repo: string },
  username: string,
): Promise<PermissionLookup> {
  try {
    const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({ ...repo, username });
    return { role_name: data.role_name, permission: data.permission };
  } catch (error) {
    if (transient(error)) throw error;
    const status = httpStatus(error);
    return { error: status === 404 ? 'not a collaborator' : `GitHub answered ${status}` };
  }
}
