import { execFile, spawn } from 'node:child_process';
import { GantryError } from './errors.js';

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs git in a repository, never throwing. Objects Gantry writes itself (audit entries, registry
 * records, environment history) are authored by a fixed identity: who acted is in their content.
 */
export function git(cwd: string, args: string[], input?: string): Promise<GitResult> {
  return new Promise((resolve) => {
    const child = execFile(
      'git',
      args,
      {
        cwd,
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: 'gantry',
          GIT_AUTHOR_EMAIL: 'gantry@localhost',
          GIT_COMMITTER_NAME: 'gantry',
          GIT_COMMITTER_EMAIL: 'gantry@localhost',
        },
        maxBuffer: 256 * 1024 * 1024,
      },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** Runs git and returns its trimmed output, or fails with a GantryError carrying git's own message. */
export async function gitOrFail(cwd: string, args: string[], input?: string): Promise<string> {
  const result = await git(cwd, args, input);
  if (result.code !== 0)
    throw new GantryError('git_failed', `git ${args[0]} failed in ${cwd}: ${result.stderr.trim()}`, 1);
  return result.stdout.trim();
}

/** The commit a ref points at, or undefined when it does not exist. */
export async function readRef(cwd: string, ref: string): Promise<string | undefined> {
  const head = await git(cwd, ['rev-parse', '--verify', '--quiet', ref]);
  return head.code === 0 ? head.stdout.trim() : undefined;
}

/** A commit holding one file, on top of `parent`; made with plumbing, so no working tree or index is touched. */
export async function commitFile(
  cwd: string,
  file: { name: string; text: string },
  parent: string | undefined,
  message: string,
): Promise<string> {
  const blob = await gitOrFail(cwd, ['hash-object', '-w', '--stdin'], file.text);
  const tree = await gitOrFail(cwd, ['mktree'], `100644 blob ${blob}\t${file.name}\n`);
  return gitOrFail(cwd, ['commit-tree', tree, ...(parent ? ['-p', parent] : []), '-m', message]);
}

/**
 * Moves `ref` to the commit `next` makes from where the ref is now, only if the ref has not moved
 * meanwhile (update-ref with the old value); when another writer got there first, `next` runs again
 * on top of theirs, so concurrent writers lose nothing. A step without a commit leaves the ref alone.
 */
export async function advanceRef<T>(
  cwd: string,
  ref: string,
  next: (current: string | undefined) => Promise<{ value: T; commit?: string }>,
  contended: (attempts: number) => GantryError,
  attempts = 20,
): Promise<T> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const current = await readRef(cwd, ref);
    const step = await next(current);
    if (step.commit === undefined) return step.value;
    // The old value makes the update atomic: it fails if the ref moved (or appeared) meanwhile.
    const moved = await git(cwd, ['update-ref', ref, step.commit, current ?? '']);
    if (moved.code === 0) return step.value;
  }
  throw contended(attempts);
}

/**
 * The contents of many objects in one git process (`cat-file --batch`), given as `REV:PATH` or ids;
 * undefined for each one that does not exist.
 */
export function readObjects(cwd: string, specs: readonly string[]): Promise<(string | undefined)[]> {
  if (specs.length === 0) return Promise.resolve([]);
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['cat-file', '--batch'], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new GantryError('git_failed', `git cat-file failed in ${cwd}: ${stderr.trim()}`, 1));
        return;
      }
      const out = Buffer.concat(chunks);
      const contents: (string | undefined)[] = [];
      let at = 0;
      for (let i = 0; i < specs.length; i++) {
        const newline = out.indexOf(10, at);
        const header = out.subarray(at, newline).toString();
        at = newline + 1;
        if (header.endsWith(' missing') || header.endsWith(' ambiguous')) {
          contents.push(undefined);
          continue;
        }
        const size = Number(header.split(' ')[2]);
        contents.push(out.subarray(at, at + size).toString());
        at += size + 1;
      }
      resolve(contents);
    });
    child.stdin.end(`${specs.join('\n')}\n`);
  });
}
