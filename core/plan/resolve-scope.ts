import type { SimpleGit } from 'simple-git';
import type { PlanScope } from '../../schemas/build-plan.js';
import { GantryError } from '../errors.js';

export interface ScopeRequest {
  head: string;
  /** Absent: the first parent of the head. */
  base?: string;
  all?: boolean;
}

/** GitHub sends this as `before` for a push that creates a branch: there is nothing to compare with. */
const NEW_BRANCH_BASE = /^0+$/;

async function commitOf(git: SimpleGit, ref: string): Promise<string | undefined> {
  if (ref === '' || ref.startsWith('-')) return undefined;
  try {
    return (await git.revparse(['--verify', '--quiet', `${ref}^{commit}`])).trim() || undefined;
  } catch {
    return undefined;
  }
}

async function requireCommit(git: SimpleGit, ref: string, option: string): Promise<string> {
  const commit = await commitOf(git, ref);
  if (commit !== undefined) return commit;
  throw new GantryError(
    'unknown_ref',
    `${option} ${JSON.stringify(ref)} does not name a commit in this repository` +
      ' (in a CI checkout, fetch enough history: actions/checkout with fetch-depth: 0)',
  );
}

/**
 * Turns the refs the user gave into commits, and decides whether to compare two of them or to plan every
 * model: when asked to, when the head has no parent, or when the base is the all-zeros commit.
 */
export async function resolveScope(git: SimpleGit, request: ScopeRequest): Promise<PlanScope> {
  const head = await requireCommit(git, request.head, '--head');
  if (request.all) return { kind: 'all', head, why: 'requested' };
  if (request.base !== undefined && NEW_BRANCH_BASE.test(request.base)) {
    return { kind: 'all', head, why: 'new-branch' };
  }
  if (request.base === undefined) {
    const parent = await commitOf(git, `${head}^1`);
    return parent === undefined
      ? { kind: 'all', head, why: 'no-parent' }
      : { kind: 'changes', base: parent, head };
  }
  return { kind: 'changes', base: await requireCommit(git, request.base, '--base'), head };
}
