import type { EnvironmentFingerprint } from '../../schemas/bench-results.js';
import { isEvaluation, type Results } from '../../schemas/results.js';

/** What makes two benchmark runs comparable: the accelerators and driver, or the CPU when there are none. */
function describeTestbed(environment: EnvironmentFingerprint): string {
  if (environment.gpus.length > 0) {
    const names = [...new Set(environment.gpus.map((g) => g.name))].join(' + ');
    const drivers = [...new Set(environment.gpus.map((g) => g.driver))].join(', ');
    return `${environment.gpus.length}× ${names}, driver ${drivers}`;
  }
  return `CPU only: ${environment.cpu.model} × ${environment.cpu.count}`;
}

/** The testbeds of both sides; evaluation results carry none and never block a comparison. */
export function testbedOf(
  candidate: readonly Results[],
  baseline: readonly Results[],
): { candidate: string; baseline: string; same: boolean } {
  const describeAll = (results: readonly Results[]) => {
    const beds = [
      ...new Set(results.flatMap((r) => (isEvaluation(r) ? [] : [describeTestbed(r.environment)]))),
    ];
    return beds.length === 0 ? 'n/a' : beds.join(' | ');
  };
  const c = describeAll(candidate);
  const b = describeAll(baseline);
  return { candidate: c, baseline: b, same: c === b || c === 'n/a' || b === 'n/a' };
}
