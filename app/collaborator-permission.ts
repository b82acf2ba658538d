import type { Context } from 'probot';
import type { PermissionLookup } from '../core/commands/authorize-command.js';

/** A user's access to the repository as GitHub answers it; a failed lookup is kept as the reason, never as access. */
export async function collaboratorPermission(
  octokit: Context['octokit'],
  repo: { owner: string; repo: string },
  username: string,
): Promise<PermissionLookup> {
  try {
    const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({ ...repo, username });
    return { role_name: data.role_name, permission: data.permission };
  } catch (error) {
    const status = (error as { status?: number }).status;
    return { error: status === 404 ? 'not a collaborator' : `GitHub answered ${status ?? 'nothing'}` };
  }
}
