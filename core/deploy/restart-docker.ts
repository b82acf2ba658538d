import type { DeploymentRecord } from '../../schemas/deployment-record.js';
import { runDocker } from '../build/docker.js';
import { GantryError } from '../errors.js';
import { containerLogs, publishedAddress, waitForContainer } from './containers.js';
import type { DeploymentStore } from './deployment-store.js';
import { switchUpstream } from './traffic-proxy-process.js';
import { logExcerpt } from './wait-for-health.js';

/**
 * Restarts the container of a docker deployment as it was started (same image, same settings, whatever
 * model.yml says now), points the proxy at its new address, and waits for health again.
 */
export async function restartDocker(
  record: DeploymentRecord,
  store: DeploymentStore,
  startupTimeoutMs = 300_000,
): Promise<DeploymentRecord> {
  const { container, proxy } = record;
  if (!container || !proxy) throw new GantryError('not_docker', `${record.model} is not a docker deployment`);
  const restarted = await runDocker(['restart', '--time', '10', container.name], { timeoutMs: 60_000 });
  if (restarted.code !== 0)
    throw new GantryError(
      'restart_failed',
      `docker restart failed:\n  | ${restarted.tail.join('\n  | ')}`,
      1,
    );
  const upstream = await publishedAddress(container.name);
  const failure = await waitForContainer(
    container.name,
    `${upstream}${new URL(record.health_url).pathname}`,
    startupTimeoutMs,
  );
  if (failure) {
    throw new GantryError(
      'health_never_reached',
      `${record.model} did not become healthy again after the restart\n${logExcerpt(await containerLogs(container.name, 20))}`,
      1,
    );
  }
  await switchUpstream(proxy.socket, upstream);
  const healthy: DeploymentRecord = {
    ...record,
    proxy: { ...proxy, upstream },
    healthy_at: new Date().toISOString(),
  };
  await store.write(healthy);
  return healthy;
}
