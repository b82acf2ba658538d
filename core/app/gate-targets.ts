import { GATE_CHECK_NAME } from '../report/check-run-output.js';
import type { ExistingCheckRun } from './gate-check.js';

/**
 * What a results event writes to, read in one GraphQL request: the repository's node id, the runs of the
 * gate check already on the head commit, and each pull request with the comments the app wrote on it.
 * Over REST this is a request for the check runs and one per pull request for its comments.
 */
export interface GateTargets {
  repositoryId: string;
  checkRuns: ExistingCheckRun<string>[];
  pulls: GatePull[];
}

export interface GatePull {
  /** Node id: the subject of a new comment. */
  id: string;
  number: number;
  /** The app's own comments (the viewer's: an installation token's viewer is the app's bot user). */
  comments: { id: string; body: string }[];
  /** Where the next page of the pull request's comments starts, when there are more than one page. */
  moreAfter?: string;
}

/** A page of a pull request's comments, as both queries ask for it. */
interface CommentPage {
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: ({ id: string; body: string; viewerDidAuthor: boolean } | null)[] | null;
}

interface PullNode {
  id: string;
  number: number;
  state: 'OPEN' | 'CLOSED' | 'MERGED';
  comments: CommentPage;
}

/** The answer to `gateTargetsQuery`. */
export interface GateTargetsAnswer {
  repository: {
    id: string;
    object: {
      checkSuites?: {
        nodes:
          | ({
              checkRuns: {
                nodes:
                  | ({
                      id: string;
                      status: string;
                      externalId: string | null;
                    } | null)[]
                  | null;
              } | null;
            } | null)[]
          | null;
      } | null;
      associatedPullRequests?: { nodes: (PullNode | null)[] | null } | null;
    } | null;
  } & Record<`pull${number}`, PullNode | null>;
}

const COMMENTS =
  'comments(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { id body viewerDidAuthor } }';

/**
 * Which pull requests to read: those a run names, or (a dispatched run names none) the open ones whose
 * head is its commit; none when no comment is to be written.
 */
export type PullSelection = readonly number[] | 'of-head-commit';

/**
 * The request for a results event on commit `sha` of `owner/name`: the query and its variables. The
 * first page of comments is read (`$after` null); a pull request with more is read on with
 * `commentPageQuery`.
 */
export function gateTargetsRequest(
  owner: string,
  name: string,
  sha: string,
  pulls: PullSelection,
): { query: string; variables: Record<string, unknown> } {
  const found = pulls === 'of-head-commit';
  const named = found
    ? []
    : pulls.map((n, i) => `pull${i}: pullRequest(number: ${Math.trunc(n)}) { ...gantryPull }`);
  // A document with no pull request leaves the fragment and `$after` out: GitHub refuses unused ones.
  const reads = found || named.length > 0;
  const variables = { owner, name, sha, checkName: GATE_CHECK_NAME, ...(reads ? { after: null } : {}) };
  const query = `query gantryGateTargets($owner: String!, $name: String!, $sha: GitObjectID!, $checkName: String!${reads ? ', $after: String' : ''}) {
  repository(owner: $owner, name: $name) {
    id
    object(oid: $sha) {
      ... on Commit {
        checkSuites(first: 100) {
          nodes { checkRuns(first: 100, filterBy: { checkName: $checkName, checkType: ALL }) { nodes { id status externalId } } }
        }${found ? '\n        associatedPullRequests(first: 10) { nodes { ...gantryPull } }' : ''}
      }
    }${named.map((line) => `\n    ${line}`).join('')}
  }
}${reads ? `\nfragment gantryPull on PullRequest { id number state ${COMMENTS} }` : ''}`;
  return { query, variables };
}

/** The next page of a pull request's comments. */
export const commentPageQuery = `query gantryComments($id: ID!, $after: String) {
  node(id: $id) { ... on PullRequest { ${COMMENTS} } }
}`;

export interface CommentPageAnswer {
  node: { comments: CommentPage } | null;
}

/** The app's comments on one page, and where the next page starts. */
export function commentsOf(page: CommentPage): Pick<GatePull, 'comments' | 'moreAfter'> {
  const comments = (page.nodes ?? []).flatMap((c) =>
    c?.viewerDidAuthor ? [{ id: c.id, body: c.body }] : [],
  );
  return page.pageInfo.hasNextPage && page.pageInfo.endCursor
    ? { comments, moreAfter: page.pageInfo.endCursor }
    : { comments };
}

/**
 * The targets in an answer. Named pull requests are taken as they are (a run on a closed one still
 * reports on it); found ones only while open, as a commit can be the head of old ones too.
 */
export function gateTargetsOf(answer: GateTargetsAnswer, pulls: PullSelection): GateTargets {
  const { repository } = answer;
  const runs = (repository.object?.checkSuites?.nodes ?? []).flatMap(
    (suite) => suite?.checkRuns?.nodes ?? [],
  );
  const checkRuns = runs.flatMap((run) =>
    run ? [{ id: run.id, status: run.status.toLowerCase(), external_id: run.externalId }] : [],
  );
  const nodes =
    pulls === 'of-head-commit'
      ? (repository.object?.associatedPullRequests?.nodes ?? []).filter((p) => p?.state === 'OPEN')
      : pulls.map((_, i) => repository[`pull${i}`]);
  return {
    repositoryId: repository.id,
    checkRuns,
    pulls: nodes.flatMap((p) => (p ? [{ id: p.id, number: p.number, ...commentsOf(p.comments) }] : [])),
  };
}
