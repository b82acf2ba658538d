import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gateMutation } from '../../core/app/gate-mutation.js';
import { commentPageQuery, gateTargetsOf, gateTargetsRequest } from '../../core/app/gate-targets.js';
import type { CheckAnnotation } from '../../core/checks/manifest-check.js';
import { GitHubSimulator } from '../github-simulator/github-simulator.js';
import { pullNodeId, repositoryNodeId } from '../github-simulator/simulated-bodies.js';

const REPO = 'acme/models';
let simulator: GitHubSimulator;
let head: string;

beforeAll(async () => {
  simulator = new GitHubSimulator();
  await simulator.start();
  head = simulator.commit(REPO, { 'models/chat/model.yml': 'name: acme/chat\n' }, { branch: 'main' });
  for (const number of [3, 4]) simulator.pullRequest(REPO, number, head, ['models/chat/model.yml']);
}, 30_000);

afterAll(() => simulator.stop());

async function graphql(query: string, variables: Record<string, unknown>) {
  const response = await fetch(`${simulator.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: unknown; errors?: unknown[] };
}

const annotation = (line: number): CheckAnnotation => ({
  path: 'models/chat/model.yml',
  start_line: line,
  end_line: line,
  annotation_level: 'failure',
  message: `rule ${line} failed`,
});

const content = (annotations: CheckAnnotation[]) => ({
  conclusion: 'failure' as const,
  title: 'fails',
  summary: 'ttft p95 over the limit',
  annotations,
});

describe("the app's GraphQL documents", () => {
  it("are ones GitHub's schema takes, for each way of choosing pull requests", async () => {
    for (const pulls of [[], [3, 4], 'of-head-commit'] as const) {
      const { query, variables } = gateTargetsRequest('acme', 'models', head, pulls);
      const answer = await graphql(query, variables);
      expect(answer.errors).toBeUndefined();
      const targets = gateTargetsOf(answer.data as Parameters<typeof gateTargetsOf>[0], pulls);
      expect(targets.repositoryId).toBe(repositoryNodeId(REPO));
      expect(targets.pulls.map((p) => p.number)).toEqual(pulls === 'of-head-commit' ? [3, 4] : [...pulls]);
    }
    expect(
      (await graphql(commentPageQuery, { id: pullNodeId(REPO, 3), after: null })).errors,
    ).toBeUndefined();
    expect(simulator.violations).toEqual([]);
  });

  it('write the check before the comments, and leave annotations past 50 for updates', async () => {
    const target = { name: 'gantry/gate', head_sha: head, external_id: 'workflow-run:9:1' };
    const many = Array.from({ length: 120 }, (_, i) => annotation(i + 1));
    const mutation = gateMutation(repositoryNodeId(REPO), { target, content: content(many) }, [
      { kind: 'create', subjectId: pullNodeId(REPO, 3), body: 'results' },
    ])!;
    expect(mutation.query.indexOf('createCheckRun')).toBeLessThan(mutation.query.indexOf('addComment'));
    expect(mutation.variables.check).toMatchObject({ status: 'IN_PROGRESS' });
    expect(mutation.moreAnnotations.map((batch) => batch.length)).toEqual([50, 20]);
    const answer = await graphql(mutation.query, mutation.variables);
    expect(answer.errors).toBeUndefined();
    const [run] = simulator.repository(REPO).checkRuns;
    expect(run).toMatchObject({ status: 'in_progress', conclusion: null, external_id: 'workflow-run:9:1' });
    expect(run!.annotations).toHaveLength(50);

    const done = gateMutation(
      repositoryNodeId(REPO),
      { target: { ...target, checkRunId: `CR_${run!.id}` }, content: content(many.slice(0, 2)) },
      [],
    )!;
    expect(done.moreAnnotations).toEqual([]);
    expect((await graphql(done.query, done.variables)).errors).toBeUndefined();
    expect(simulator.repository(REPO).checkRuns).toEqual([
      expect.objectContaining({ id: run!.id, status: 'completed', conclusion: 'failure' }),
    ]);
    expect(simulator.violations).toEqual([]);
  });

  it('are not sent when nothing is to be written', () => {
    expect(gateMutation(repositoryNodeId(REPO), undefined, [])).toBeUndefined();
  });
});
