import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { tempDir } from '../support/temp-dir.js';

const ROOT = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

interface ActionMetadata {
  inputs?: Record<string, { default?: string; required?: boolean }>;
  outputs?: Record<string, { description: string }>;
  runs: { using: string; main?: string };
}

export function actionMetadata(name: string): ActionMetadata {
  return parse(readFileSync(join(ROOT, 'actions', name, 'action.yml'), 'utf8')) as ActionMetadata;
}

const examples = (await import('@octokit/webhooks-examples')).default as unknown as {
  name: string;
  examples: Record<string, unknown>[];
}[];

/** A webhook example payload of GitHub's own, as the runner writes it to GITHUB_EVENT_PATH. */
export function examplePayload(
  event: 'push' | 'pull_request' | 'deployment',
  action?: string,
): Record<string, unknown> {
  const found = examples
    .find((e) => e.name === event)!
    .examples.find((e) => action === undefined || e.action === action);
  return structuredClone(found!);
}

/** Step outputs as the runner reads them from GITHUB_OUTPUT: `name=value` and `name<<DELIMITER` blocks. */
export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2]!, i + 1);
      outputs[heredoc[1]!] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (line.includes('=')) {
      outputs[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return outputs;
}

export interface ActionRun {
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

export interface ActionCall {
  inputs?: Record<string, string>;
  cwd: string;
  event?: { name: string; payload: Record<string, unknown> };
  env?: Record<string, string>;
}

/**
 * Runs an action's bundle as the runner does: the declared inputs (given, else their defaults) as
 * INPUT_* variables, outputs and the summary through files, the event payload in GITHUB_EVENT_PATH.
 * An input the action does not declare is an error here, as the runner warns of it.
 */
export async function runAction(name: string, call: ActionCall): Promise<ActionRun> {
  const metadata = actionMetadata(name);
  const declared = metadata.inputs ?? {};
  for (const input of Object.keys(call.inputs ?? {}))
    if (!(input in declared)) throw new Error(`actions/${name} has no input "${input}"`);
  const files = tempDir('gantry-runner-');
  const output = join(files, 'output');
  const summary = join(files, 'summary');
  const eventPath = join(files, 'event.json');
  writeFileSync(output, '');
  writeFileSync(summary, '');
  writeFileSync(eventPath, JSON.stringify(call.event?.payload ?? {}));
  const env: Record<string, string> = {
    PATH: process.env.PATH!,
    HOME: process.env.HOME!,
    GITHUB_OUTPUT: output,
    GITHUB_STEP_SUMMARY: summary,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_EVENT_NAME: call.event?.name ?? 'push',
    GITHUB_WORKSPACE: call.cwd,
    GITHUB_REPOSITORY: 'Codertocat/Hello-World',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '42',
    ...call.env,
  };
  for (const [input, spec] of Object.entries(declared)) {
    env[`INPUT_${input.replace(/ /g, '_').toUpperCase()}`] = call.inputs?.[input] ?? spec.default ?? '';
  }
  const main = resolve(ROOT, 'actions', name, metadata.runs.main!);
  let result: { code: number; stdout: string; stderr: string };
  try {
    const done = await run(process.execPath, [main], { cwd: call.cwd, env, maxBuffer: 64 * 1024 * 1024 });
    result = { code: 0, stdout: done.stdout, stderr: done.stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    result = { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
  return {
    ...result,
    outputs: parseOutputs(readFileSync(output, 'utf8')),
    summary: readFileSync(summary, 'utf8'),
  };
}
