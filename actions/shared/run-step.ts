import * as core from '@actions/core';
import type { StepIo, StepResult } from '../../core/actions/step.js';
import { GantryError } from '../../core/errors.js';

/** An action's inputs as the runner passes them (INPUT_* variables), read through @actions/core. */
export const inputs = {
  text: (name: string): string | undefined => core.getInput(name) || undefined,
  required: (name: string): string => core.getInput(name, { required: true }),
  flag: (name: string): boolean => core.getInput(name).trim().toLowerCase() === 'true',
  /** One value per line or separated by spaces, e.g. several results files. */
  list: (name: string): string[] => core.getInput(name).split(/\s+/).filter(Boolean),
  /** A credential: masked in every later log line before anything can print it. */
  secret: (name: string): string | undefined => {
    const value = core.getInput(name);
    if (value) core.setSecret(value);
    return value || undefined;
  },
  /** One of a fixed set of values, as the CLI's option of the same name takes them. */
  choice: <T extends string>(name: string, choices: readonly T[]): T | undefined => {
    const text = core.getInput(name).trim();
    if (text === '') return undefined;
    if (!(choices as readonly string[]).includes(text))
      throw new GantryError('bad_input', `input ${name}: "${text}" is not one of ${choices.join(', ')}`);
    return text as T;
  },
  number: (name: string): number | undefined => {
    const text = core.getInput(name).trim();
    if (text === '') return undefined;
    const value = Number(text);
    if (!Number.isFinite(value))
      throw new GantryError('bad_input', `input ${name}: "${text}" is not a number`);
    return value;
  },
};

function runnerIo(): StepIo {
  return {
    cwd: core.getInput('working-directory') || process.cwd(),
    env: process.env,
    log: (text) => core.info(text),
    warn: (text) => core.warning(text),
    group: (title, work) => core.group(title, work),
  };
}

/**
 * Runs one action step on the runner: outputs to GITHUB_OUTPUT, the summary to GITHUB_STEP_SUMMARY, a
 * failure as an error annotation and a non-zero exit. A GantryError ends with its own exit status.
 */
export async function runStep(step: (io: StepIo) => Promise<StepResult>): Promise<void> {
  try {
    const result = await step(runnerIo());
    for (const [name, value] of Object.entries(result.outputs)) core.setOutput(name, value);
    if (result.summary && process.env.GITHUB_STEP_SUMMARY)
      await core.summary.addRaw(result.summary, true).write();
    if (result.failure) core.setFailed(result.failure);
  } catch (error) {
    if (error instanceof GantryError) {
      core.setFailed(error.message);
      process.exitCode = error.exitCode;
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    core.setFailed(`unexpected error: ${message}`);
    if (process.env.GANTRY_DEBUG && error instanceof Error && error.stack) core.info(error.stack);
  }
}
