import type { CheckRunContent, CheckRunTarget } from '../checks/check-run-content.js';
import type { CheckAnnotation } from '../checks/manifest-check.js';
import { annotationBatches } from '../report/check-run-output.js';

/** A results comment to write: a new one on a pull request (by node id), or the app's own updated. */
export type GateCommentWrite =
  | { kind: 'create'; subjectId: string; body: string }
  | { kind: 'update'; id: string; body: string };

/** The gate check to write: `checkRunId` (a node id) updates a run waiting for these results. */
export interface GateCheckWrite {
  target: Omit<CheckRunTarget, 'id'> & { checkRunId?: string };
  content: CheckRunContent;
}

export interface GateMutation {
  query: string;
  variables: Record<string, unknown>;
  /** Annotations past the first request's 50, for updates of the check once it exists. */
  moreAnnotations: CheckAnnotation[][];
}

function annotationData(a: CheckAnnotation) {
  return {
    path: a.path,
    location: {
      startLine: a.start_line,
      endLine: a.end_line,
      ...(a.start_column !== undefined ? { startColumn: a.start_column } : {}),
      ...(a.end_column !== undefined ? { endColumn: a.end_column } : {}),
    },
    annotationLevel: a.annotation_level.toUpperCase(),
    message: a.message,
    ...(a.title !== undefined ? { title: a.title } : {}),
  };
}

/** The check's input: completed with its first batch of annotations, or in progress until the last. */
function checkInput(
  repositoryId: string,
  { target, content }: GateCheckWrite,
  first: CheckAnnotation[],
  last: boolean,
) {
  return {
    repositoryId,
    ...(target.checkRunId ? { checkRunId: target.checkRunId } : { headSha: target.head_sha }),
    name: target.name,
    ...(target.external_id !== undefined ? { externalId: target.external_id } : {}),
    ...(target.details_url !== undefined ? { detailsUrl: target.details_url } : {}),
    ...(target.actions ? { actions: target.actions } : {}),
    ...(last
      ? { status: 'COMPLETED', conclusion: content.conclusion.toUpperCase() }
      : { status: 'IN_PROGRESS' }),
    output: {
      title: content.title,
      summary: content.summary,
      ...(content.text ? { text: content.text } : {}),
      annotations: first.map(annotationData),
    },
  };
}

/**
 * Everything a results event writes, as one GraphQL request: the check first (GitHub runs the fields of
 * a mutation in order), then each comment. Undefined when there is nothing to write.
 */
export function gateMutation(
  repositoryId: string,
  check: GateCheckWrite | undefined,
  comments: readonly GateCommentWrite[],
): GateMutation | undefined {
  if (!check && comments.length === 0) return undefined;
  const declarations: string[] = [];
  const fields: string[] = [];
  const variables: Record<string, unknown> = {};
  let moreAnnotations: CheckAnnotation[][] = [];
  if (check) {
    const [first = [], ...rest] = annotationBatches(check.content.annotations);
    moreAnnotations = rest;
    const update = check.target.checkRunId !== undefined;
    declarations.push(`$check: ${update ? 'Update' : 'Create'}CheckRunInput!`);
    fields.push(`check: ${update ? 'update' : 'create'}CheckRun(input: $check) { checkRun { databaseId } }`);
    variables.check = checkInput(repositoryId, check, first, rest.length === 0);
  }
  for (const [i, write] of comments.entries()) {
    if (write.kind === 'create') {
      declarations.push(`$comment${i}: AddCommentInput!`);
      fields.push(`comment${i}: addComment(input: $comment${i}) { commentEdge { node { id } } }`);
      variables[`comment${i}`] = { subjectId: write.subjectId, body: write.body };
    } else {
      declarations.push(`$comment${i}: UpdateIssueCommentInput!`);
      fields.push(`comment${i}: updateIssueComment(input: $comment${i}) { issueComment { id } }`);
      variables[`comment${i}`] = { id: write.id, body: write.body };
    }
  }
  return {
    query: `mutation gantryGateResults(${declarations.join(', ')}) {\n  ${fields.join('\n  ')}\n}`,
    variables,
    moreAnnotations,
  };
}

/** The answer to a gate mutation: the check's REST id, for the updates that carry more annotations. */
export interface GateMutationAnswer {
  check?: { checkRun: { databaseId: number | null } | null } | null;
}
