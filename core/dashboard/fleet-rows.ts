import type { DeploymentRecord } from '../../schemas/deployment-record.js';

/** One deployment as the fleet view shows it, whoever recorded it: a host's record or a GitHub Deployment. */
export interface FleetRow {
  environment: string;
  model: string;
  version: string;
  /** Where it runs: the deploy target and hardware target, or the runner labels of the deploy job. */
  where: string;
  /** Process, container, or the deployment's id. */
  instance: string;
  image?: string;
  gpus: string[];
  url?: string;
  state: string;
  since: string;
}

/** A host's deployment record as a fleet row. */
export function fleetRowOfRecord(d: DeploymentRecord): FleetRow {
  return {
    environment: d.environment,
    model: d.model,
    version: d.version,
    where: d.hardware ? `${d.target} (${d.hardware})` : d.target,
    instance: d.container ? d.container.name : d.process ? `pid ${d.process.pid}` : '',
    ...(d.container ? { image: d.container.digest ?? d.container.image_id ?? d.container.image } : {}),
    gpus: d.gpus,
    url: d.url,
    state: d.state,
    since: d.healthy_at ?? d.started_at,
  };
}

/** What a GitHub Deployment made by Gantry carries, and its newest status. */
export interface GitHubDeploymentView {
  id: number;
  environment: string;
  created_at: string;
  payload: unknown;
  status?: { state: string; environment_url?: string; created_at: string };
}

/**
 * The newest deployment of each model in each environment, as fleet rows: what a repository's
 * promotions put where, by the deploy job's runner labels (the GPU kind among them).
 */
export function fleetRowsOfDeployments(deployments: GitHubDeploymentView[]): FleetRow[] {
  const newest = new Map<string, FleetRow>();
  const byTime = [...deployments].sort((a, b) => (a.created_at < b.created_at ? -1 : 1));
  for (const d of byTime) {
    const payload = (typeof d.payload === 'object' && d.payload !== null ? d.payload : {}) as Record<
      string,
      unknown
    >;
    if (typeof payload.model !== 'string' || typeof payload.version !== 'string') continue;
    const runsOn = Array.isArray(payload['runs-on']) ? payload['runs-on'].map(String) : [];
    newest.set(`${d.environment}\0${payload.model}`, {
      environment: d.environment,
      model: payload.model,
      version: payload.version,
      where: runsOn.length > 0 ? runsOn.join(', ') : 'deploy workflow',
      instance: `deployment ${d.id}`,
      gpus: [],
      ...(d.status?.environment_url ? { url: d.status.environment_url } : {}),
      state: d.status?.state ?? 'pending',
      since: d.status?.created_at ?? d.created_at,
    });
  }
  return [...newest.values()];
}
