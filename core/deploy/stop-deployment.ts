import type { DeploymentRecord } from '../../schemas/deployment-record.js';
import { removeContainer } from './containers.js';
import type { DeploymentStore } from './deployment-store.js';
import { hostGpuReservations } from './host-gpus.js';
import { processAlive, stopProcess } from './process-control.js';

/**
 * Stops what serves a deployment: its process, or its container (freeing its GPUs) and, unless a newer
 * version took it over, its traffic proxy.
 */
export async function stopServer(
  record: DeploymentRecord,
  store: DeploymentStore,
  options: { keepProxy?: boolean } = {},
): Promise<void> {
  if (record.process && processAlive(record.process.pid)) await stopProcess(record.process.pid);
  if (record.proxy && !options.keepProxy && processAlive(record.proxy.pid))
    await stopProcess(record.proxy.pid);
  if (record.container) {
    await removeContainer(record.container.name);
    hostGpuReservations(store.root).release(record.container.name);
  }
}

/** Stops a deployment and records that it stopped. */
export async function stopDeployment(
  record: DeploymentRecord,
  store: DeploymentStore,
): Promise<DeploymentRecord> {
  await stopServer(record, store);
  const stopped: DeploymentRecord = { ...record, state: 'stopped', stopped_at: new Date().toISOString() };
  await store.write(stopped);
  return stopped;
}
