import { existsSync } from 'node:fs';

/** Which container engines this host has (a socket is enough to choose; commands report real failures). */
export function containerEngines(): { docker: boolean } {
  return { docker: existsSync('/var/run/docker.sock') };
}
