import type { Context } from 'probot';
import {
  type GateCheckWrite,
  type GateCommentWrite,
  type GateMutationAnswer,
  gateMutation,
} from '../core/app/gate-mutation.js';
import { addAnnotations } from './write-check-run.js';

/**
 * Writes a results event's check and comments in one GraphQL request; a check with more than 50
 * annotations gets the rest through the checks API. A failed field fails the event, so its redelivery
 * reads again and writes only what is still missing.
 */
export async function writeGateResults(
  context: Context,
  repositoryId: string,
  check: GateCheckWrite | undefined,
  comments: readonly GateCommentWrite[],
): Promise<void> {
  const mutation = gateMutation(repositoryId, check, comments);
  if (!mutation) return;
  const answer = await context.octokit.graphql<GateMutationAnswer>(mutation.query, mutation.variables);
  const id = answer.check?.checkRun?.databaseId;
  if (check && id && mutation.moreAnnotations.length)
    await addAnnotations(context, id, check.content, mutation.moreAnnotations);
}
