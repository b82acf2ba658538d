import type { MatrixEntry } from '../../schemas/build-plan.js';
import type { BuildRecord } from '../../schemas/build-record.js';
import { buildableOn, type HostCapabilities } from './host-support.js';

/** How one image of `gantry build --all` ended. */
export type BuildOutcome =
  | { entry: MatrixEntry; status: 'built'; record: BuildRecord }
  | { entry: MatrixEntry; status: 'failed'; reason: string; duration_ms: number }
  | { entry: MatrixEntry; status: 'skipped'; reason: string };

/**
 * Splits a plan's matrix into the images this host builds and those it skips, with why. Only the CPU
 * architecture decides: an accelerator image needs no accelerator to build.
 */
export function sortByHost(
  matrix: readonly MatrixEntry[],
  host: HostCapabilities,
): { build: MatrixEntry[]; skipped: Extract<BuildOutcome, { status: 'skipped' }>[] } {
  const build: MatrixEntry[] = [];
  const skipped: Extract<BuildOutcome, { status: 'skipped' }>[] = [];
  for (const entry of matrix) {
    const can = buildableOn(entry, host);
    if (can.ok) build.push(entry);
    else skipped.push({ entry, status: 'skipped', reason: can.reason });
  }
  return { build, skipped };
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** The summary table's rows, header first: one per image, in plan order. */
export function summaryRows(outcomes: readonly BuildOutcome[]): string[][] {
  const rows = outcomes.map((o) => {
    const { model, target } = o.entry;
    if (o.status === 'built') {
      const { duration_ms, pinned, image } = o.record;
      return [model, target, 'built', seconds(duration_ms), pinned ?? image];
    }
    if (o.status === 'failed') return [model, target, 'FAILED', seconds(o.duration_ms), firstLine(o.reason)];
    return [model, target, 'skipped', '', o.reason];
  });
  return [['MODEL', 'TARGET', 'RESULT', 'TIME', 'IMAGE OR REASON'], ...rows];
}

/** The summary's last line: counts of each ending. */
export function summaryLine(outcomes: readonly BuildOutcome[]): string {
  const count = (status: BuildOutcome['status']) => outcomes.filter((o) => o.status === status).length;
  return `${count('built')} built, ${count('failed')} failed, ${count('skipped')} skipped`;
}

function firstLine(text: string): string {
  return text.split('\n')[0]!;
}
