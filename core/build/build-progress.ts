/**
 * Reads a build log as it streams: BuildKit's plain progress (`#7 [deps 2/3] RUN …`, `#7 CACHED`,
 * `#7 ERROR: …`) and the classic builder's (`Step 3/9 : RUN …`, ` ---> Using cache`). It knows which
 * step runs, which steps came from the cache, and which one failed.
 */
export class BuildProgress {
  private readonly names = new Map<string, string>();
  private readonly cachedIds = new Set<string>();
  private failedId: string | undefined;
  private classicStep: string | undefined;
  private classicSteps = 0;
  private classicCached = 0;
  current: string | undefined;

  /** Feeds one line; returns a short progress text when the running step changed. */
  push(line: string): string | undefined {
    const buildkit = /^#(\d+) (.*)$/.exec(line);
    if (buildkit) {
      const [, id, rest] = buildkit as unknown as [string, string, string];
      const step = /^\[([^\]]*\d+\/\d+)\] (.*)$/.exec(rest);
      if (step && !this.names.has(id)) {
        // A FROM step only resolves the base image: it is never "cached", so it does not count as a step.
        if (!step[2]!.startsWith('FROM ')) this.names.set(id, `[${step[1]}] ${step[2]}`);
        this.current = `[${step[1]}] ${step[2]}`;
        return this.current;
      }
      if (rest === 'CACHED') this.cachedIds.add(id);
      if (rest.startsWith('ERROR')) this.failedId ??= id;
      return undefined;
    }
    const classic = /^Step (\d+\/\d+) : (.*)$/.exec(line);
    if (classic) {
      this.classicSteps += 1;
      this.classicStep = `[${classic[1]}] ${classic[2]}`;
      this.current = this.classicStep;
      return this.current;
    }
    if (line.trim() === '---> Using cache') this.classicCached += 1;
    return undefined;
  }

  /** Steps of the Dockerfile and how many came from the cache; undefined when the log named none. */
  cache(): { steps: number; cached: number } | undefined {
    if (this.names.size > 0) {
      const cached = [...this.cachedIds].filter((id) => this.names.has(id)).length;
      return { steps: this.names.size, cached };
    }
    if (this.classicSteps > 0) return { steps: this.classicSteps, cached: this.classicCached };
    return undefined;
  }

  /** The step that failed: BuildKit marks it; with the classic builder it is the last step started. */
  failedStep(): string | undefined {
    if (this.failedId !== undefined) return this.names.get(this.failedId);
    return this.classicStep;
  }
}
