import type { Context } from 'probot';
import type { CheckAnnotation } from '../core/checks/manifest-check.js';
import { annotationBatches } from '../core/report/check-run-output.js';

export interface CheckRunContent {
  conclusion: 'success' | 'failure' | 'neutral' | 'action_required';
  title: string;
  summary: string;
  text?: string;
  annotations: readonly CheckAnnotation[];
}

export interface CheckRunTarget {
  name: string;
  head_sha: string;
  /** The natural key of what the run reports (a workflow run and attempt), for idempotency. */
  external_id?: string;
  details_url?: string;
  actions?: { label: string; description: string; identifier: string }[];
  /** Update this run (one waiting for results) instead of creating one. */
  id?: number;
}

/**
 * Writes a completed check run, its annotations in the batches of 50 GitHub takes: the first with the
 * create (or update) request, the others as updates, and the conclusion with the last.
 */
export async function writeCheckRun(
  context: Context,
  target: CheckRunTarget,
  content: CheckRunContent,
): Promise<number> {
  const { owner, repo } = context.repo();
  const batches = annotationBatches(content.annotations);
  const output = (annotations: CheckAnnotation[]) => ({
    title: content.title,
    summary: content.summary,
    ...(content.text ? { text: content.text } : {}),
    annotations,
  });
  const finished = (last: boolean) =>
    last
      ? { status: 'completed' as const, conclusion: content.conclusion }
      : { status: 'in_progress' as const };
  const { id: existing, head_sha, ...fields } = target;
  const first = { ...fields, ...finished(batches.length <= 1), output: output(batches[0] ?? []) };
  const id =
    existing === undefined
      ? (await context.octokit.rest.checks.create({ owner, repo, head_sha, ...first })).data.id
      : (await context.octokit.rest.checks.update({ owner, repo, check_run_id: existing, ...first })).data.id;
  for (const [i, batch] of batches.slice(1).entries())
    await context.octokit.rest.checks.update({
      owner,
      repo,
      check_run_id: id,
      output: output(batch),
      ...(i === batches.length - 2 ? finished(true) : {}),
    });
  return id;
}
