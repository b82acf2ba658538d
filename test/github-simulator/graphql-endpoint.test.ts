import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitHubSimulator } from './github-simulator.js';
import { pullNodeId, repositoryNodeId } from './simulated-bodies.js';

let simulator: GitHubSimulator;
const REPO = 'acme/models';
let head: string;

beforeAll(async () => {
  simulator = new GitHubSimulator();
  await simulator.start();
  head = simulator.commit(REPO, { 'model.yml': 'name: acme/chat\n' }, { branch: 'main' });
  simulator.pullRequest(REPO, 7, head, ['model.yml']);
  simulator.repository(REPO).comments.push({ id: 1, issue: 7, body: 'looks good', user: 'alice' });
}, 30_000);

afterAll(() => simulator.stop());

async function graphql(query: string, variables: Record<string, unknown> = {}, path = '/graphql') {
  const response = await fetch(`${simulator.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return {
    status: response.status,
    body: (await response.json()) as {
      // biome-ignore lint/suspicious/noExplicitAny: answers are read by path, in assertions only.
      data?: Record<string, any>;
      errors?: { message: string; type?: string }[];
    },
  };
}

/** Runs `check` and returns the violations it added, leaving the list as it was. */
async function violationsOf(check: () => Promise<unknown>): Promise<string[]> {
  const before = simulator.violations.length;
  await check();
  return simulator.violations.splice(before);
}

describe("the GitHub simulator's GraphQL endpoint", () => {
  it("refuses documents GitHub's schema refuses: unknown fields, connections without a page size, wrong variables", async () => {
    const unknownField = await violationsOf(async () => {
      const answer = await graphql('{ repository(owner: "acme", name: "models") { id noSuchField } }');
      expect(answer.status).toBe(200);
      expect(answer.body.errors?.[0]?.message).toContain('noSuchField');
      expect(answer.body.data).toBeUndefined();
    });
    expect(unknownField).toEqual([
      expect.stringContaining('Cannot query field "noSuchField" on type "Repository"'),
    ]);

    const unpaged = await violationsOf(() =>
      graphql(
        '{ repository(owner: "acme", name: "models") { pullRequest(number: 7) { comments { totalCount } } } }',
      ),
    );
    expect(unpaged).toEqual([expect.stringContaining('You must provide a `first` or `last` value')]);
    const tooMany = await violationsOf(() =>
      graphql(
        'query($n: Int) { repository(owner: "acme", name: "models") { pullRequest(number: 7) { comments(first: $n) { totalCount } } } }',
        { n: 101 },
      ),
    );
    expect(tooMany).toEqual([expect.stringContaining('Requesting 101 records')]);

    const wrongEnum = await violationsOf(() =>
      graphql(
        'mutation($input: CreateCheckRunInput!) { createCheckRun(input: $input) { checkRun { id } } }',
        {
          input: {
            repositoryId: repositoryNodeId(REPO),
            headSha: head,
            name: 'gantry/gate',
            conclusion: 'MAYBE',
          },
        },
      ),
    );
    expect(wrongEnum).toEqual([expect.stringContaining('GitHub would refuse')]);
    expect(simulator.repository(REPO).checkRuns).toHaveLength(0);
  });

  it('answers from the state the REST routes serve, and writes to it', async () => {
    const created = await graphql(
      `mutation($check: CreateCheckRunInput!, $comment: AddCommentInput!) {
        check: createCheckRun(input: $check) { checkRun { id databaseId status conclusion } }
        comment: addComment(input: $comment) { commentEdge { node { id viewerDidAuthor } } }
      }`,
      {
        check: {
          repositoryId: repositoryNodeId(REPO),
          headSha: head,
          name: 'gantry/gate',
          externalId: 'workflow-run:1:1',
          status: 'COMPLETED',
          conclusion: 'FAILURE',
          output: {
            title: 'fails',
            summary: 'ttft',
            annotations: [
              {
                path: 'model.yml',
                location: { startLine: 3, endLine: 3 },
                annotationLevel: 'FAILURE',
                message: 'slow',
              },
            ],
          },
        },
        comment: { subjectId: pullNodeId(REPO, 7), body: '<!-- gantry -->' },
      },
    );
    expect(created.body.errors).toBeUndefined();
    const run = created.body.data!.check.checkRun;
    expect(run).toMatchObject({ status: 'COMPLETED', conclusion: 'FAILURE' });

    const rest = await fetch(`${simulator.url}/repos/${REPO}/commits/${head}/check-runs`);
    const listed = (await rest.json()) as {
      check_runs: { id: number; conclusion: string; external_id: string }[];
    };
    expect(listed.check_runs).toEqual([
      expect.objectContaining({ id: run.databaseId, conclusion: 'failure', external_id: 'workflow-run:1:1' }),
    ]);
    expect(simulator.repository(REPO).checkRuns[0]!.annotations).toEqual([
      { path: 'model.yml', start_line: 3, end_line: 3, annotation_level: 'failure', message: 'slow' },
    ]);

    const read = await graphql(
      `query($sha: GitObjectID!) { repository(owner: "acme", name: "models") {
        object(oid: $sha) { ... on Commit { checkSuites(first: 10) { nodes { checkRuns(first: 10, filterBy: { checkName: "gantry/gate" }) { nodes { databaseId externalId } } } } } }
        pullRequest(number: 7) { comments(first: 1) { pageInfo { hasNextPage endCursor } nodes { body viewerDidAuthor } } }
      } }`,
      { sha: head },
    );
    const repository = read.body.data!.repository;
    expect(repository.object.checkSuites.nodes[0].checkRuns.nodes).toEqual([
      { databaseId: run.databaseId, externalId: 'workflow-run:1:1' },
    ]);
    // One comment per page: someone else's first, then the app's.
    expect(repository.pullRequest.comments.nodes).toEqual([{ body: 'looks good', viewerDidAuthor: false }]);
    expect(repository.pullRequest.comments.pageInfo.hasNextPage).toBe(true);
    expect(simulator.violations).toEqual([]);
  });

  it("answers an app editing another user's comment, or a missing repository, with GitHub's errors", async () => {
    const forbidden = await graphql(
      'mutation { updateIssueComment(input: { id: "IC_1", body: "edited" }) { issueComment { id } } }',
    );
    expect(forbidden.body.errors).toEqual([expect.objectContaining({ type: 'FORBIDDEN' })]);
    expect(simulator.repository(REPO).comments[0]!.body).toBe('looks good');
    const missing = await graphql(
      '{ repository(owner: "acme", name: "nothing") { id } }',
      {},
      '/api/graphql',
    );
    expect(missing.body).toMatchObject({ data: { repository: null }, errors: [{ type: 'NOT_FOUND' }] });
    expect(simulator.violations).toEqual([]);
  });

  it('fails one field of a mutation on request, after the fields before it ran', async () => {
    simulator.failGraphqlField('updateIssueComment');
    const comment = simulator.repository(REPO).comments.find((c) => c.user === simulator.botLogin)!;
    const answer = await graphql(
      `mutation($first: AddCommentInput!, $second: UpdateIssueCommentInput!) {
        first: addComment(input: $first) { commentEdge { node { id } } }
        second: updateIssueComment(input: $second) { issueComment { id } }
      }`,
      {
        first: { subjectId: pullNodeId(REPO, 7), body: 'new' },
        second: { id: `IC_${comment.id}`, body: 'changed' },
      },
    );
    expect(answer.body.data?.first).not.toBeNull();
    expect(answer.body.data?.second).toBeNull();
    expect(answer.body.errors).toHaveLength(1);
    expect(simulator.repository(REPO).comments.map((c) => c.body)).toEqual([
      'looks good',
      '<!-- gantry -->',
      'new',
    ]);
    expect(simulator.violations).toEqual([]);
  });
});
