import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Probot } from 'probot';
import { collectDashboard } from '../core/dashboard/dashboard-data.js';
import { dashboardHtml } from '../core/dashboard/dashboard-html.js';
import { fleetRowsOfDeployments, type GitHubDeploymentView } from '../core/dashboard/fleet-rows.js';
import { GitHubRegistry } from '../core/registry/github-registry.js';

const PATH = /^\/dashboard\/([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)\/?$/;

/** Whether the request carries the dashboard's token as HTTP Basic credentials (any user name). */
function authorised(request: IncomingMessage, token: string): boolean {
  const header = request.headers.authorization ?? '';
  if (!header.startsWith('Basic ')) return false;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const given = Buffer.from(decoded.slice(decoded.indexOf(':') + 1));
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/**
 * The read-only dashboard of an installed repository at /dashboard/OWNER/REPO: its registry (releases,
 * environment files) and its fleet (the newest GitHub Deployment of each model in each environment),
 * read afresh through the installation on each request. Private repositories' data is behind a token:
 * without GANTRY_DASHBOARD_TOKEN the dashboard is off.
 */
export function dashboardHandler(app: Probot, token: string | undefined) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<boolean> => {
    const match = PATH.exec((request.url ?? '').split('?')[0]!);
    if (request.method !== 'GET' || !match) return false;
    const reply = (status: number, text: string, headers: Record<string, string> = {}) =>
      response
        .writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers })
        .end(`${text}\n`);
    if (!token) {
      reply(404, 'the dashboard is off: set GANTRY_DASHBOARD_TOKEN to serve it');
      return true;
    }
    if (!authorised(request, token)) {
      reply(401, 'the dashboard needs its token', { 'www-authenticate': 'Basic realm="Gantry dashboard"' });
      return true;
    }
    const [, owner, repo] = match as unknown as [string, string, string];
    try {
      const appClient = await app.auth();
      const installation = await appClient.rest.apps
        .getRepoInstallation({ owner, repo })
        .catch(() => undefined);
      if (!installation) {
        reply(404, `Gantry is not installed on ${owner}/${repo}`);
        return true;
      }
      const octokit = await app.auth(installation.data.id);
      const { data: deployments } = await octokit.rest.repos.listDeployments({ owner, repo, per_page: 100 });
      const views: GitHubDeploymentView[] = await Promise.all(
        deployments.map(async (d) => {
          const { data: statuses } = await octokit.rest.repos.listDeploymentStatuses({
            owner,
            repo,
            deployment_id: d.id,
            per_page: 1,
          });
          const status = statuses[0];
          return {
            id: d.id,
            environment: d.environment,
            created_at: d.created_at,
            payload: d.payload,
            ...(status
              ? {
                  status: {
                    state: status.state,
                    created_at: status.created_at,
                    ...(status.environment_url ? { environment_url: status.environment_url } : {}),
                  },
                }
              : {}),
          };
        }),
      );
      const registry = new GitHubRegistry({ octokit, owner, repo });
      const data = await collectDashboard(registry, fleetRowsOfDeployments(views));
      response
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
        .end(dashboardHtml(data, `${owner}/${repo}`));
    } catch (error) {
      app.log.error({ err: error, owner, repo }, 'dashboard failed');
      reply(502, `GitHub did not answer what the dashboard needs: ${(error as Error).message}`);
    }
    return true;
  };
}
