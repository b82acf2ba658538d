/** What Probot's config loader read for one repository. */
export interface CachedConfig {
  /** The owner's login (lower case) when read: the loader falls back to the owner's `.github` repository. */
  owner: string;
  /** The parsed file, or null when neither the repository nor its owner's `.github` repository has one. */
  data: unknown;
  /** When it was read (milliseconds, of the cache's clock). */
  readAt: number;
}

/**
 * `.github/gantry.yml` as the config loader last read it, per repository id (a rename keeps its entry).
 * A push that changes the file drops the entry; `ttlMs` bounds the age of any entry all the same, for a
 * push event this process missed. One per app instance: nothing is shared between apps in one process.
 */
export class ConfigCache {
  private readonly entries = new Map<number, CachedConfig>();
  private readonly ttlMs: number;
  private readonly capacity: number;
  private readonly now: () => number;

  constructor(options: { ttlMs?: number; capacity?: number; now?: () => number } = {}) {
    this.ttlMs = options.ttlMs ?? 5 * 60_000;
    this.capacity = options.capacity ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** The entry of a repository read less than `ttlMs` ago under the same owner (a transfer reads again). */
  get(repositoryId: number, owner: string): CachedConfig | undefined {
    const entry = this.entries.get(repositoryId);
    if (!entry) return undefined;
    if (this.now() - entry.readAt >= this.ttlMs || entry.owner !== owner.toLowerCase()) {
      this.entries.delete(repositoryId);
      return undefined;
    }
    return entry;
  }

  set(repositoryId: number, owner: string, data: unknown): void {
    // Re-inserted, so the first key is always the entry read longest ago: the one dropped when full.
    this.entries.delete(repositoryId);
    this.entries.set(repositoryId, { owner: owner.toLowerCase(), data, readAt: this.now() });
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  forgetRepository(repositoryId: number): void {
    this.entries.delete(repositoryId);
  }

  /** Drops every repository of an owner: its `.github` repository's file is their fallback. */
  forgetOwner(owner: string): void {
    const login = owner.toLowerCase();
    for (const [id, entry] of this.entries) if (entry.owner === login) this.entries.delete(id);
  }

  get size(): number {
    return this.entries.size;
  }
}
