import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * Tests that need a root service (Docker, chromium, pocketsphinx) skip on a laptop without it, saying
 * why, but in CI (CI=true) a missing service fails the run: the test environment script must provide it.
 */
export function serviceUnavailable(name: string, available: boolean, howToGet: string): boolean {
  if (available) return false;
  const reason = `${name} is not available: ${howToGet}`;
  if (process.env.CI === 'true') throw new Error(`CI must run the ${name} tests, but ${reason}`);
  console.warn(`skipping ${name} tests: ${reason}`);
  return true;
}

function commandSucceeds(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

export const services = {
  docker: () => existsSync('/var/run/docker.sock') && commandSucceeds('/usr/bin/docker', ['info']),
  pocketsphinx: () =>
    commandSucceeds('sh', ['-c', 'command -v pocketsphinx || command -v pocketsphinx_continuous']),
  chromium: () => existsSync('/usr/bin/chromium'),
  /** Speech synthesis for test audio: espeak-ng speaks, sox resamples to 16 kHz mono. */
  espeakNg: () => commandSucceeds('sh', ['-c', 'command -v espeak-ng && command -v sox']),
};
