import { afterAll, beforeAll, expect } from 'vitest';
import type { GitHubSimulator } from '../github-simulator/github-simulator.js';
import { AppHarness } from './app-harness.js';
import {
  commentCreated,
  standardRepository,
  uploadResults,
  workflowRunCompleted,
} from './results-fixtures.js';

/**
 * The app of one test file against a simulator holding the standard repository `fullName`: started
 * before the file's tests, stopped after them.
 */
export function standardApp(
  fullName: string,
  options: ConstructorParameters<typeof AppHarness>[0] = {},
): AppHarness {
  const harness = new AppHarness(options);
  beforeAll(async () => {
    await harness.start();
    standardRepository(harness.simulator, fullName);
  }, 30_000);
  afterAll(() => harness.stop());
  return harness;
}

/**
 * `count` pull requests (numbered from `first`), each with a finished benchmark run that uploaded
 * `kind` results and a `/benchmark` comment by a writer: the events a fault test delivers, and the check
 * that each was handled exactly once.
 */
export function resultsScenario(
  simulator: GitHubSimulator,
  fullName: string,
  { count, first, kind }: { count: number; first: number; kind: 'pass' | 'fail' },
) {
  const numbers = Array.from({ length: count }, (_, i) => first + i);
  const heads = numbers.map((n) => {
    const head = simulator.commit(
      fullName,
      { 'model.yml': `name: acme/chat\n# ${n}\n` },
      { branch: `change-${n}` },
    );
    simulator.pullRequest(fullName, n, head, ['model.yml'], { ref: `change-${n}` });
    uploadResults(simulator, fullName, 10_000 + n, kind);
    return head;
  });
  const state = () => simulator.repository(fullName);
  return {
    /** Each pull request's two events, in the order GitHub sends them. */
    events: numbers.flatMap((n, i) => [
      { event: 'workflow_run', payload: workflowRunCompleted(10_000 + n, heads[i]!, [n]) },
      { event: 'issue_comment', payload: commentCreated(n, 20_000 + n, '/benchmark', 'alice') },
    ]),
    branches: numbers.map((n) => `change-${n}`),
    /** One gate check and one results comment per pull request, and one answer to each comment. */
    expectHandledOnce(): void {
      for (const [i, n] of numbers.entries()) {
        expect(state().checkRuns.filter((r) => r.head_sha === heads[i])).toMatchObject([
          { name: 'gantry/gate', conclusion: kind === 'pass' ? 'success' : 'failure' },
        ]);
        expect(state().comments.filter((c) => c.issue === n)).toHaveLength(1);
        expect(
          state()
            .reactions.filter((r) => r.comment === 20_000 + n)
            .map((r) => r.content),
        ).toEqual(['+1']);
      }
      expect(simulator.violations).toEqual([]);
    },
  };
}
