import { httpRequest } from '../http-request.js';

/** Why a server never became healthy. */
export type HealthFailure =
  | { reason: 'timeout'; lastError: string }
  | { reason: 'exited'; exitCode: number | null };

export interface HealthWait {
  url: string;
  timeoutMs: number;
  /** Resolves when the server process ends: waiting stops at once instead of running out the clock. */
  exited?: Promise<number | null>;
  intervalMs?: number;
}

/** Polls a health URL until it answers 2xx. Returns undefined when healthy, else why not. */
export async function waitForHealth({
  url,
  timeoutMs,
  exited,
  intervalMs = 200,
}: HealthWait): Promise<HealthFailure | undefined> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  exited?.then((code) => {
    exitCode = code;
  });
  let lastError = 'no answer yet';
  while (Date.now() < deadline) {
    if (exitCode !== undefined) return { reason: 'exited', exitCode };
    try {
      const { status } = await httpRequest(url, {
        timeoutMs: Math.min(5_000, Math.max(1, deadline - Date.now())),
      });
      if (status >= 200 && status < 300) return undefined;
      lastError = `HTTP ${status}`;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  return exitCode !== undefined ? { reason: 'exited', exitCode } : { reason: 'timeout', lastError };
}

/** One quick look: is it healthy right now? */
export async function isHealthy(url: string, timeoutMs = 2_000): Promise<boolean> {
  try {
    const { status } = await httpRequest(url, { timeoutMs });
    return status >= 200 && status < 300;
  } catch {
    return false;
  }
}

/** Why a server was given up on, in words: `what` exited, or its health path stayed silent. */
export function describeHealthFailure(
  failure: HealthFailure,
  what: string,
  healthPath: string,
  timeoutMs: number,
): string {
  return failure.reason === 'exited'
    ? `${what} exited (code ${failure.exitCode}) before ${healthPath} answered`
    : `${healthPath} did not answer within ${Math.round(timeoutMs / 1000)} s (last: ${failure.lastError})`;
}

/** The last lines of a server's log, indented for an error message. */
export function logExcerpt(lines: readonly string[]): string {
  return lines.length === 0 ? '  (the log is empty)' : lines.map((l) => `  | ${l}`).join('\n');
}
