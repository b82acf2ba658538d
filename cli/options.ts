import { relative } from 'node:path';
import { Option } from 'commander';
import { simpleGit } from 'simple-git';

export type OutputFormat = 'text' | 'json' | 'github';

export function formatOption(choices: OutputFormat[]): Option {
  return new Option('--format <format>', 'output format').choices(choices).default('text');
}

/** The top of the git repository holding `cwd`, or `cwd` itself outside git. */
export async function repositoryRoot(cwd: string): Promise<string> {
  try {
    return (await simpleGit(cwd).revparse(['--show-toplevel'])).trim();
  } catch {
    return cwd;
  }
}

/** How a path is shown to the user: relative to where they stand, unless that means climbing out. */
export function displayPath(cwd: string, path: string): string {
  const shown = relative(cwd, path);
  return shown === '' || shown.startsWith('..') ? path : shown;
}
