import type { GitHubSimulator } from './github-simulator.js';
import { NOT_FOUND, user } from './simulated-bodies.js';

/** The app's installation on the repositories named installed; any other repository has none (404). */
export class SimulatedInstallations {
  readonly installed = new Set<string>();

  constructor(
    simulator: GitHubSimulator,
    readonly id = 42,
  ) {
    simulator.addRoutes({
      'GET /repos/{owner}/{repo}/installation': (p) =>
        this.installed.has(`${p.owner}/${p.repo}`)
          ? { status: 200, body: this.installation(simulator.url, p.owner!) }
          : NOT_FOUND(),
    });
  }

  private installation(api: string, owner: string) {
    return {
      id: this.id,
      account: user(owner, 1, 'Organization'),
      access_tokens_url: `${api}/app/installations/${this.id}/access_tokens`,
      repositories_url: `${api}/installation/repositories`,
      html_url: `https://github.com/organizations/${owner}/settings/installations/${this.id}`,
      app_id: 1,
      app_slug: 'gantry',
      target_id: 1,
      target_type: 'Organization',
      permissions: { checks: 'write', contents: 'write', deployments: 'write' },
      events: ['pull_request', 'workflow_run'],
      created_at: '2026-01-01T00:00:00Z',
      updated_at: '2026-01-01T00:00:00Z',
      single_file_name: null,
      repository_selection: 'all',
      suspended_by: null,
      suspended_at: null,
    };
  }
}
