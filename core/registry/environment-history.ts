import { type EnvironmentEntry, EnvironmentName, type StoredVersion } from '../../schemas/model-version.js';
import { GantryError } from '../errors.js';
import type { EnvironmentChange, PromoteRequest, RollbackRequest } from './model-registry.js';

/**
 * The versions an environment has run, as a stack replayed from its history: a promotion pushes its
 * version, a rollback pops back to the one below. The top is what runs now; the one below it is where
 * a rollback goes, whatever version happens to be the newest.
 */
export function environmentStack(history: readonly EnvironmentEntry[]): string[] {
  const stack: string[] = [];
  for (const entry of history) {
    if (entry.reason === 'rollback') stack.pop();
    if (stack.at(-1) !== entry.to) stack.push(entry.to);
  }
  return stack;
}

/** Refuses an environment name that model.yml could not hold. */
export function checkEnvironmentName(name: string): void {
  const parsed = EnvironmentName.safeParse(name);
  if (!parsed.success)
    throw new GantryError(
      'bad_environment',
      `"${name}" is not an environment name: ${parsed.error.issues[0]?.message}`,
    );
}

function entryFields(history: readonly EnvironmentEntry[], request: PromoteRequest | RollbackRequest) {
  return {
    seq: (history.at(-1)?.seq ?? 0) + 1,
    model: request.model,
    environment: request.environment,
    from: history.at(-1)?.to ?? null,
    actor: request.actor,
    time: (request.now ?? new Date()).toISOString(),
    ...(request.note ? { note: request.note } : {}),
  };
}

/**
 * The entry that promotes `version` (already looked up: undefined when it was never recorded) in an
 * environment with this history. Promoting what already runs there changes nothing.
 */
export function planPromotion(
  history: readonly EnvironmentEntry[],
  version: StoredVersion | undefined,
  request: PromoteRequest,
): EnvironmentChange {
  checkEnvironmentName(request.environment);
  const name = `${request.model}@${request.version}`;
  if (!version)
    throw new GantryError(
      'unknown_version',
      `${name} is not recorded in the registry: record it first (gantry registry record), then promote it`,
      1,
    );
  const last = history.at(-1);
  if (last && last.to === request.version) return { entry: last, changed: false };
  if (version.gate && version.gate.verdict !== 'pass' && !request.force)
    throw new GantryError(
      'gate_not_passed',
      `${name} did not pass its gate (verdict: ${version.gate.verdict}${version.gate.against ? ` against ${version.gate.against}` : ''}); ` +
        `promoting it to ${request.environment} needs --force with a --note saying why`,
      1,
    );
  return {
    entry: { ...entryFields(history, request), to: request.version, reason: 'promote' },
    changed: true,
  };
}

/**
 * A rollback as a move: none when the request names the version to roll back `from` and the environment
 * no longer runs it (it was rolled back already, or moved on since).
 */
export function rollbackMove(
  history: readonly EnvironmentEntry[],
  request: RollbackRequest,
): EnvironmentChange {
  const last = history.at(-1);
  if (request.from !== undefined && last && environmentStack(history).at(-1) !== request.from)
    return { entry: last, changed: false };
  return { entry: planRollback(history, request), changed: true };
}

/** The entry that returns an environment to the version it ran before the current one. */
export function planRollback(
  history: readonly EnvironmentEntry[],
  request: RollbackRequest,
): EnvironmentEntry {
  checkEnvironmentName(request.environment);
  const stack = environmentStack(history);
  const where = `${request.model} in ${request.environment}`;
  if (stack.length === 0)
    throw new GantryError(
      'nothing_to_roll_back',
      `${where} was never promoted: there is nothing to roll back`,
      1,
    );
  const previous = stack.at(-2);
  if (previous === undefined)
    throw new GantryError(
      'nothing_to_roll_back',
      `${where} has run only ${stack[0]}: there is no earlier version to roll back to`,
      1,
    );
  return { ...entryFields(history, request), to: previous, reason: 'rollback' };
}
