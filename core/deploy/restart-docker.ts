import type { DeploymentRecord } from '../../schemas/deployment-record.js';
import { runDocker } from '../build/docker.js';
import { GantryError } from '../errors.js';
import { containerExit, containerLogs } from './containers.js';
import type { DeploymentStore } from './deployment-store.js';
import { switchUpstream } from './traffic-proxy-process.js';
import { waitForHealth } from './wait-for-health.js';

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
  // The engine may publish the container on another host port after a restart; it publishes one.
  const published = await runDocker(['port', container.name], { timeoutMs: 15_000 });
  const hostPort = /:(\d+)\s*$/m.exec(published.stdout)?.[1];
  if (!hostPort)
    throw new GantryError('restart_failed', `${container.name} publishes no port after the restart`, 1);
  const upstream = `http://127.0.0.1:${hostPort}`;
  const exit = containerExit(container.name);
  const failure = await waitForHealth({
    url: `${upstream}${new URL(record.health_url).pathname}`,
    timeoutMs: startupTimeoutMs,
    exited: exit.exited,
  });
  exit.cancel();
  if (failure) {
    const tail = await containerLogs(container.name, 20);
    throw new GantryError(
      'health_never_reached',
      `${record.model} did not become healthy again after the restart\n${tail.map((l) => `  | ${l}`).join('\n')}`,
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
