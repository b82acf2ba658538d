import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type SimpleGit, simpleGit } from 'simple-git';
import { tempDir } from './temp-dir.js';

export interface GitRepo {
  dir: string;
  git: SimpleGit;
  /** Writes files (a `null` text deletes the file), stages everything and commits; returns the commit. */
  commit(files: Record<string, string | null>, message?: string): Promise<string>;
}

/** A real git repository in a temporary folder, removed when the test finishes. */
export async function gitRepo(): Promise<GitRepo> {
  const dir = tempDir('gantry-repo-');
  const git = simpleGit(dir);
  await git.init(['--initial-branch=main']);
  await git.addConfig('user.name', 'Test').addConfig('user.email', 'test@example.com');
  await git.addConfig('commit.gpgsign', 'false');
  return {
    dir,
    git,
    async commit(files, message = 'change') {
      for (const [path, text] of Object.entries(files)) {
        const file = join(dir, path);
        if (text === null) rmSync(file, { force: true });
        else {
          mkdirSync(dirname(file), { recursive: true });
          writeFileSync(file, text);
        }
      }
      await git.add(['--all']);
      await git.commit(message, ['--allow-empty']);
      return (await git.revparse(['HEAD'])).trim();
    },
  };
}
