import { randomUUID } from 'node:crypto';
import { appendFile } from 'node:fs/promises';
import type { BuildPlan } from '../../schemas/build-plan.js';
import { GantryError } from '../errors.js';

/**
 * The step outputs a workflow builds from: `matrix` for `strategy.matrix: ${{ fromJSON(…) }}`, the planned
 * model names, and `has-changes`. GitHub rejects a matrix with an empty `include`, so a build job must
 * be guarded with `if: has-changes == 'true'`; the matrix stays valid JSON either way.
 */
export function githubOutputs(plan: BuildPlan): Record<string, string> {
  return {
    matrix: JSON.stringify({ include: plan.matrix }),
    models: JSON.stringify(plan.models.map((m) => m.name)),
    'has-changes': String(plan.matrix.length > 0),
  };
}

/**
 * Lines for the file named by GITHUB_OUTPUT: `name=value`, or the heredoc form with a random delimiter
 * for a value that spans lines (a delimiter nobody can guess cannot be forged inside the value).
 */
export function formatGithubOutputs(outputs: Record<string, string>): string {
  return Object.entries(outputs)
    .map(([name, value]) => {
      if (!/[\r\n]/.test(value)) return `${name}=${value}\n`;
      const delimiter = `ghadelimiter_${randomUUID()}`;
      return `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
    })
    .join('');
}

/** Appends the outputs to the runner's GITHUB_OUTPUT file, where later steps and jobs read them. */
export async function appendGithubOutputs(file: string, outputs: Record<string, string>): Promise<void> {
  try {
    await appendFile(file, formatGithubOutputs(outputs));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new GantryError(
      'github_output',
      `cannot write the step outputs to GITHUB_OUTPUT (${file}): ${reason}`,
    );
  }
}
