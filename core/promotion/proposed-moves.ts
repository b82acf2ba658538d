import { environmentPath, parseEnvironmentFile } from '../commands/environment-change.js';
import { environmentStack } from '../registry/environment-history.js';

/** A branch Gantry opened a promotion pull request from (`gantry/<promote|rollback>/<env>/…`, see environmentChange). */
export function isPromotionBranch(ref: string): boolean {
  return /^gantry\/(?:promote|rollback)\//.test(ref);
}

/** One environment file as a pull request finds it on its base and its head (undefined: no such file). */
export interface EnvironmentFileVersions {
  environment: string;
  /** What the base branch holds now: what the environment runs. */
  base?: string;
  head?: string;
  /**
   * The file where the pull request branched off, when the base branch moved on since: only what the
   * pull request itself changed is a move, not the base branch's later changes it lacks.
   */
  forkPoint?: { text?: string };
}

/** A model's move in an environment that a pull request proposes. */
export interface ProposedMove {
  model: string;
  environment: string;
  /** rollback only when the version is the one the environment ran before, by its recorded history. */
  kind: 'promote' | 'rollback';
  version: string;
  /** What the environment runs on the base branch. */
  current?: string;
  /** The last entry of the model's history on the base: a merged move comes after it. */
  baseSeq: number;
  /** Who asked for the move, as the head's new history entry records it (`/promote` by a commenter). */
  requestedBy?: string;
}

/**
 * Whether a merged move has since been replaced: the environment went to its version after the base and
 * has moved on from it. Such a move is history, not something to record again.
 */
export function isReplacedMove(move: ProposedMove, history: readonly { seq: number; to: string }[]): boolean {
  return (
    history.at(-1)?.to !== move.version && history.some((e) => e.seq > move.baseSeq && e.to === move.version)
  );
}

/**
 * The moves an environment-file change proposes: every model whose version the pull request changed
 * (from its fork point) to one the environment does not run. Whether a move is a rollback is read from the base's history, never from what the head claims,
 * so a pull request cannot call a new version a rollback to skip its gate.
 */
export function proposedMoves(files: readonly EnvironmentFileVersions[]): ProposedMove[] {
  const moves: ProposedMove[] = [];
  for (const file of files) {
    const path = environmentPath(file.environment);
    const base = parseEnvironmentFile(file.base, `${path} (base)`);
    const head = parseEnvironmentFile(file.head, `${path} (head)`);
    const forkPoint = file.forkPoint
      ? parseEnvironmentFile(file.forkPoint.text, `${path} (fork point)`)
      : base;
    for (const [model, state] of Object.entries(head.models)) {
      const before = base.models[model];
      if (before?.version === state.version || forkPoint.models[model]?.version === state.version) continue;
      const history = before?.history ?? [];
      const previous = environmentStack(history).at(-2);
      const baseSeq = history.at(-1)?.seq ?? 0;
      const entry = state.history.at(-1);
      const requested = entry && entry.seq > baseSeq && entry.to === state.version ? entry.actor : undefined;
      moves.push({
        model,
        environment: file.environment,
        kind: previous === state.version ? 'rollback' : 'promote',
        version: state.version,
        ...(before ? { current: before.version } : {}),
        baseSeq,
        ...(requested ? { requestedBy: requested } : {}),
      });
    }
  }
  return moves;
}

/**
 * Who counts as the author of a promotion when approvals are counted: the pull request's author, or,
 * for one the app opened on someone's `/promote` or `/rollback`, the person who asked — who must not
 * approve their own request either.
 */
export function promotionAuthor(pullAuthor: string, moves: readonly ProposedMove[]): string {
  if (!pullAuthor.endsWith('[bot]')) return pullAuthor;
  const requesters = [...new Set(moves.flatMap((m) => m.requestedBy ?? []))];
  return requesters.length === 1 ? requesters[0]! : pullAuthor;
}
