import type { Context } from 'probot';
import type { CheckRunContent, CheckRunTarget } from '../core/checks/check-run-content.js';
import type { CheckAnnotation } from '../core/checks/manifest-check.js';
import { annotationBatches } from '../core/report/check-run-output.js';

const output = (content: CheckRunContent, annotations: CheckAnnotation[]) => ({
  title: content.title,
  summary: content.summary,
  ...(content.text ? { text: content.text } : {}),
  annotations,
});

const finished = (content: CheckRunContent, last: boolean) =>
  last
    ? { status: 'completed' as const, conclusion: content.conclusion }
    : { status: 'in_progress' as const };

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
  const [head = [], ...rest] = annotationBatches(content.annotations);
  const { id: existing, head_sha, ...fields } = target;
  const first = { ...fields, ...finished(content, rest.length === 0), output: output(content, head) };
  const id =
    existing === undefined
      ? (await context.octokit.rest.checks.create({ owner, repo, head_sha, ...first })).data.id
      : (await context.octokit.rest.checks.update({ owner, repo, check_run_id: existing, ...first })).data.id;
  await addAnnotations(context, id, content, rest);
  return id;
}

/** The batches of annotations after a check run's first request, the conclusion with the last. */
export async function addAnnotations(
  context: Context,
  id: number,
  content: CheckRunContent,
  batches: readonly CheckAnnotation[][],
): Promise<void> {
  const { owner, repo } = context.repo();
  for (const [i, batch] of batches.entries())
    await context.octokit.rest.checks.update({
      owner,
      repo,
      check_run_id: id,
      output: output(content, batch),
      ...(i === batches.length - 1 ? finished(content, true) : {}),
    });
}
