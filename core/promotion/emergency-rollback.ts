import type { ModelRegistry, RollbackRequest } from '../registry/model-registry.js';

/**
 * An emergency rollback (allowed by the model's model.yml in that environment): the environment returns
 * to its previous version at once, and the reply says what happened. The request's note is its key: a
 * retry after a partial failure (its entry already recorded) reports that entry instead of going back a
 * second time.
 */
export async function emergencyRollback(
  registry: ModelRegistry,
  request: RollbackRequest & { note: string },
): Promise<string> {
  const { model, environment } = request;
  const rolledBack = (from: string | null, to: string) =>
    `Rolled ${model} in ${environment} back from ${from} to ${to} at once: model.yml allows an emergency rollback there. The deployment is created and the audit trail records it.`;
  const last = (await registry.history(model, environment)).at(-1);
  if (last?.note === request.note) return rolledBack(last.from, last.to);
  const { entry, changed } = await registry.rollback(request);
  return changed ? rolledBack(entry.from, entry.to) : `${model} in ${environment} already runs ${entry.to}.`;
}
