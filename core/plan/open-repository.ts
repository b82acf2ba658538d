import { type SimpleGit, simpleGit } from 'simple-git';
import { GantryError } from '../errors.js';

export interface Repository {
  /** Absolute path of the top folder of the working tree. */
  root: string;
  git: SimpleGit;
}

/** The git repository holding `cwd`, addressed from its top folder so every path is repository-relative. */
export async function openRepository(cwd: string): Promise<Repository> {
  let root: string;
  try {
    root = (await simpleGit(cwd).revparse(['--show-toplevel'])).trim();
  } catch {
    throw new GantryError(
      'not_a_repository',
      `${cwd} is not inside a git repository; run gantry plan from a clone of the model repository`,
    );
  }
  return { root, git: simpleGit(root) };
}
