import { existsSync } from 'node:fs';
import type { Arch, Target } from '../../schemas/model-manifest.js';

export interface HostCapabilities {
  arch: Arch;
  /** Other architectures the engine can build for through binfmt emulation (QEMU). */
  emulated: Arch[];
}

/** `docker info`'s and `uname -m`'s names for the architectures Gantry knows. */
export function archFromMachine(machine: string): Arch | undefined {
  if (machine === 'x86_64' || machine === 'amd64') return 'amd64';
  if (machine === 'aarch64' || machine === 'arm64') return 'arm64';
  return undefined;
}

/**
 * Whether this host can build a target, and why not. Accelerator images need no accelerator to
 * build, only the right CPU architecture; another architecture needs emulation.
 */
export function buildableOn(
  target: Pick<Target, 'arch'>,
  host: HostCapabilities,
): { ok: true } | { ok: false; reason: string } {
  if (target.arch === host.arch || host.emulated.includes(target.arch)) return { ok: true };
  return {
    ok: false,
    reason: `${target.arch} on an ${host.arch} host without emulation (register QEMU binfmt handlers, or build on an ${target.arch} runner)`,
  };
}

/** The architectures binfmt_misc can run here besides the host's own. */
export function emulatedArches(binfmtDir = '/proc/sys/fs/binfmt_misc'): Arch[] {
  const handlers: [Arch, string][] = [
    ['arm64', 'qemu-aarch64'],
    ['amd64', 'qemu-x86_64'],
  ];
  return handlers.filter(([, file]) => existsSync(`${binfmtDir}/${file}`)).map(([arch]) => arch);
}
