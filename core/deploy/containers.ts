import { spawn } from 'node:child_process';
import { DOCKER, runDocker } from '../build/docker.js';
import { GantryError } from '../errors.js';
import { type HealthFailure, waitForHealth } from './wait-for-health.js';

/** Whether a container exists and runs. */
export async function containerRunning(name: string): Promise<boolean> {
  const result = await runDocker(['inspect', '--format', '{{.State.Running}}', name], { timeoutMs: 15_000 });
  return result.code === 0 && result.stdout.trim() === 'true';
}

/** Stops (SIGTERM, then SIGKILL after the grace period) and removes a container; gone already is fine. */
export async function removeContainer(name: string, graceSeconds = 10): Promise<void> {
  await runDocker(['stop', '--time', String(graceSeconds), name], { timeoutMs: (graceSeconds + 20) * 1000 });
  await runDocker(['rm', '--force', name], { timeoutMs: 30_000 });
}

/** The last lines a container wrote (stdout and stderr). */
export async function containerLogs(name: string, lines: number): Promise<string[]> {
  const result = await runDocker(['logs', '--tail', String(lines), name], {
    timeoutMs: 15_000,
    keepLines: lines,
  });
  return result.tail;
}

/** Resolves with the container's exit code when it stops; cancel() stops watching. */
export function containerExit(name: string): { exited: Promise<number | null>; cancel: () => void } {
  const child = spawn(DOCKER, ['wait', name], { stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => {
    child.once('close', (code) => {
      if (code === 0) resolve(Number(out.trim()));
    });
  });
  return { exited, cancel: () => child.kill() };
}

/**
 * The loopback address a container's one published port is reachable at. The engine may pick another
 * host port after a restart, so it is asked each time.
 */
export async function publishedAddress(name: string): Promise<string> {
  const published = await runDocker(['port', name], { timeoutMs: 15_000 });
  const hostPort = /:(\d+)\s*$/m.exec(published.stdout)?.[1];
  if (published.code !== 0 || !hostPort)
    throw new GantryError('container_port', `${name} publishes no port: ${published.tail.join(' ')}`, 1);
  return `http://127.0.0.1:${hostPort}`;
}

/** Waits for a container's health path; a container that stops ends the wait at once. */
export async function waitForContainer(
  name: string,
  healthUrl: string,
  timeoutMs: number,
): Promise<HealthFailure | undefined> {
  const exit = containerExit(name);
  try {
    return await waitForHealth({ url: healthUrl, timeoutMs, exited: exit.exited });
  } finally {
    exit.cancel();
  }
}
