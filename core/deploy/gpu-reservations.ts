import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GantryError } from '../errors.js';
import type { GpuDevice } from './nvidia-smi.js';

interface Reservation {
  owner: string;
  reserved_at: string;
}

/** A lock older than this was left by a crashed deploy: choosing GPUs takes milliseconds. */
const STALE_LOCK_MS = 60_000;

/**
 * GPUs handed to deployments on this host. Choosing and recording happen under one lock, so two deploys
 * at once never get the same GPU; a GPU with a compute process on it is never chosen, whoever runs it;
 * and when too few are free the deploy fails — it never falls back to sharing or to all GPUs.
 */
export class GpuReservations {
  private readonly folder: string;

  constructor(
    stateRoot: string,
    private readonly inventory: () => GpuDevice[],
    /** Whether the owner of a reservation still runs; reservations of owners that don't are freed. */
    private readonly ownerAlive: (owner: string) => Promise<boolean>,
  ) {
    this.folder = join(stateRoot, 'gpus');
  }

  /** Reserves `count` free GPUs for `owner`; fails, reserving none, when fewer are free. */
  async reserve(count: number, owner: string, purpose: string): Promise<GpuDevice[]> {
    const devices = this.inventory();
    if (devices.length === 0)
      throw new GantryError(
        'no_gpus',
        `${purpose} needs ${count} GPU${count > 1 ? 's' : ''}, but this host has none (nvidia-smi finds no NVIDIA GPU); deploy a cpu target here or run on a GPU host`,
        1,
      );
    return this.locked(async () => {
      const held = await this.liveReservations();
      const free = devices.filter((d) => d.processes.length === 0 && !held.has(d.uuid));
      if (free.length < count) {
        const why = devices
          .filter((d) => !free.includes(d))
          .map((d) =>
            held.has(d.uuid)
              ? `GPU ${d.index} reserved by ${held.get(d.uuid)!.owner}`
              : `GPU ${d.index} busy (pid ${d.processes.join(', ')})`,
          );
        throw new GantryError(
          'gpus_unavailable',
          `${purpose} needs ${count} GPU${count > 1 ? 's' : ''}; ${free.length} of ${devices.length} free (${why.join('; ')}). Stop a deployment or wait`,
          1,
        );
      }
      const chosen = free.slice(0, count);
      const record: Reservation = { owner, reserved_at: new Date().toISOString() };
      for (const gpu of chosen) writeFileSync(this.file(gpu.uuid), JSON.stringify(record));
      return chosen;
    });
  }

  /** Frees every GPU an owner holds. */
  release(owner: string): void {
    for (const [uuid, reservation] of this.reservations())
      if (reservation.owner === owner) rmSync(this.file(uuid), { force: true });
  }

  private file(uuid: string): string {
    return join(this.folder, `${uuid}.json`);
  }

  private reservations(): Map<string, Reservation> {
    const found = new Map<string, Reservation>();
    let names: string[] = [];
    try {
      names = readdirSync(this.folder);
    } catch {
      return found;
    }
    for (const name of names) {
      if (!name.endsWith('.json')) continue;
      try {
        found.set(name.slice(0, -5), JSON.parse(readFileSync(join(this.folder, name), 'utf8')));
      } catch {
        // half-written by a crash: no owner, so free
        rmSync(join(this.folder, name), { force: true });
      }
    }
    return found;
  }

  private async liveReservations(): Promise<Map<string, Reservation>> {
    const live = new Map<string, Reservation>();
    for (const [uuid, reservation] of this.reservations()) {
      if (await this.ownerAlive(reservation.owner)) live.set(uuid, reservation);
      else rmSync(this.file(uuid), { force: true });
    }
    return live;
  }

  /** mkdir is atomic: whoever creates the lock folder holds the lock. */
  private async locked<T>(work: () => Promise<T>): Promise<T> {
    mkdirSync(this.folder, { recursive: true });
    const lock = join(this.folder, '.lock');
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        mkdirSync(lock);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        try {
          if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) rmSync(lock, { recursive: true });
        } catch {
          // released meanwhile
        }
        if (Date.now() > deadline)
          throw new GantryError('gpu_lock', `another deploy holds ${lock}; try again`, 1);
        await new Promise((r) => setTimeout(r, 10 + Math.random() * 20));
      }
    }
    try {
      return await work();
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}
