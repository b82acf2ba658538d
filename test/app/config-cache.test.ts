import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigCache } from '../../core/app/config-cache.js';
import { configChangedBy } from '../../core/app/config-changed-by.js';
import { AppHarness } from './app-harness.js';
import { type PushedRepository, pushEvent } from './push-event.js';
import { artifactZip, gateReport, workflowRunCompleted } from './results-fixtures.js';

const REPO = 'Codertocat/Hello-World';
const CONFIG = '.github/gantry.yml';
const harness = new AppHarness();
const simulator = harness.simulator;
const state = () => simulator.repository(REPO);

/** The repository as the results events name it (its id is the cache's key). */
const repository = workflowRunCompleted(1, 'head', []).repository as PushedRepository;
const ownerConfigRepository: PushedRepository = {
  ...repository,
  id: 186853100,
  name: '.github',
  full_name: 'Codertocat/.github',
};

/** How many times the config loader asked for a repository's `.github/gantry.yml`. */
const configReads = (fullName: string) =>
  simulator.calls.filter(
    (c) => c.method === 'GET' && c.path === `/repos/${fullName}/contents/.github%2Fgantry.yml`,
  ).length;

let nextRun = 700;
/** Delivers the results of a new run on a new pull request; returns that pull request's comments. */
async function results(): Promise<unknown[]> {
  const run = nextRun++;
  const pull = run - 600;
  const head = simulator.commit(REPO, { 'model.yml': `name: acme/chat\n# ${run}\n` });
  simulator.pullRequest(REPO, pull, head, ['model.yml']);
  simulator.artifact(REPO, run, 'gantry-results', artifactZip({ 'gate-report.json': gateReport('pass') }));
  expect(await harness.deliver('workflow_run', workflowRunCompleted(run, head, [pull]))).toBe(200);
  expect(state().checkRuns.filter((r) => r.head_sha === head)).toMatchObject([{ name: 'gantry/gate' }]);
  return state().comments.filter((c) => c.issue === pull);
}

const configure = (fullName: string, text: string) =>
  simulator.commit(fullName, { 'README.md': '# models', [CONFIG]: text }, { branch: 'main' });
const push = async (payload: unknown) => expect(await harness.deliver('push', payload)).toBe(200);

beforeAll(() => harness.start(), 30_000);
afterAll(() => harness.stop());

describe('the configuration cache of a running app', () => {
  it('reads .github/gantry.yml once for events in a row of one repository', async () => {
    configure(REPO, 'comment: false\n');
    expect(await results()).toHaveLength(0);
    expect(await results()).toHaveLength(0);
    expect(configReads(REPO)).toBe(1);
    expect(simulator.violations).toEqual([]);
  });

  it('applies a changed file once a push to the default branch says so', async () => {
    configure(REPO, 'comment: true\n');
    // Until GitHub tells of the push, the file read before holds.
    expect(await results()).toHaveLength(0);
    await push(pushEvent(repository, [CONFIG]));
    expect(await results()).toHaveLength(1);
    expect(configReads(REPO)).toBe(2);
    expect(simulator.violations).toEqual([]);
  });

  it('keeps it on a push to another branch, or one that changes other files only', async () => {
    configure(REPO, 'comment: false\n');
    await push(pushEvent(repository, [CONFIG], { ref: 'refs/heads/faster-decoding' }));
    await push(pushEvent(repository, ['README.md', 'models/chat/model.yml']));
    await push(pushEvent(repository, [CONFIG], { ref: 'refs/tags/chat-1.3.0' }));
    expect(await results()).toHaveLength(1);
    expect(configReads(REPO)).toBe(2);
  });

  it('drops every repository of an owner on a push to its .github repository that changes the file', async () => {
    simulator.commit(REPO, { 'README.md': '# models' }, { branch: 'main' });
    await push(pushEvent(repository, [], { removed: [CONFIG] }));
    configure('Codertocat/.github', 'comment: false\n');
    expect(await results()).toHaveLength(0);
    expect([configReads(REPO), configReads('Codertocat/.github')]).toEqual([3, 1]);

    configure('Codertocat/.github', 'comment: true\n');
    const otherOwner = { ...ownerConfigRepository, id: 3001, full_name: 'octo-org/.github' };
    await push(pushEvent({ ...otherOwner, owner: { login: 'octo-org', id: 6811672 } }, [CONFIG]));
    await push(pushEvent(ownerConfigRepository, ['README.md']));
    expect(await results()).toHaveLength(0);

    await push(pushEvent(ownerConfigRepository, [CONFIG]));
    expect(await results()).toHaveLength(1);
    expect([configReads(REPO), configReads('Codertocat/.github')]).toEqual([4, 2]);
    expect(simulator.violations).toEqual([]);
  });

  it('never keeps a read that failed', async () => {
    await push(pushEvent(repository, [CONFIG]));
    simulator.fail('GET', '/repos/{owner}/{repo}/contents/{path}', 502, 1);
    const run = nextRun++;
    const head = simulator.commit(REPO, { 'model.yml': 'name: acme/chat\n' });
    simulator.artifact(REPO, run, 'gantry-results', artifactZip({ 'gate-report.json': gateReport('pass') }));
    expect(await harness.deliver('workflow_run', workflowRunCompleted(run, head, []))).toBeGreaterThanOrEqual(
      500,
    );
    expect(await harness.deliver('workflow_run', workflowRunCompleted(run, head, []))).toBe(200);
    expect(state().checkRuns.filter((r) => r.head_sha === head)).toMatchObject([{ name: 'gantry/gate' }]);
    expect(configReads(REPO)).toBe(6);
  });
});

describe('ConfigCache', () => {
  it('serves an entry for ttlMs after it was read, and only under the owner it was read for', () => {
    let now = 1_000;
    const configs = new ConfigCache({ now: () => now });
    configs.set(7, 'Codertocat', { comment: false });
    now += 5 * 60_000 - 1;
    expect(configs.get(7, 'codertocat')).toEqual({
      owner: 'codertocat',
      data: { comment: false },
      readAt: 1_000,
    });
    expect(configs.get(7, 'octo-org')).toBeUndefined();
    configs.set(7, 'Codertocat', null);
    now += 5 * 60_000 - 1;
    expect(configs.get(7, 'Codertocat')?.data).toBeNull();
    now += 1;
    expect(configs.get(7, 'Codertocat')).toBeUndefined();
    expect(configs.size).toBe(0);
  });

  it('forgets a repository, or every repository of one owner, and drops the oldest read when full', () => {
    const configs = new ConfigCache({ capacity: 3 });
    configs.set(1, 'Codertocat', {});
    configs.set(2, 'codertocat', {});
    configs.set(3, 'octo-org', {});
    configs.forgetOwner('CODERTOCAT');
    expect(
      [1, 2, 3].map((id) => configs.get(id, id === 3 ? 'octo-org' : 'Codertocat') !== undefined),
    ).toEqual([false, false, true]);
    configs.forgetRepository(3);
    for (const id of [4, 5, 6, 7]) configs.set(id, 'octo-org', { id });
    expect(configs.size).toBe(3);
    expect([4, 5, 6, 7].map((id) => configs.get(id, 'octo-org')?.data)).toEqual([
      undefined,
      { id: 5 },
      { id: 6 },
      { id: 7 },
    ]);
  });
});

describe('configChangedBy', () => {
  const touching = pushEvent(repository, [CONFIG]);
  const other = pushEvent(repository, ['README.md']);

  it('is the repository for a push to its default branch that adds, changes or removes the file', () => {
    expect(configChangedBy(touching)).toBe('repository');
    expect(configChangedBy(pushEvent(repository, [], { removed: [CONFIG] }))).toBe('repository');
    const added = other.commits.map((c) => ({ ...c, added: [CONFIG] }));
    expect(configChangedBy({ ...other, commits: added })).toBe('repository');
    expect(configChangedBy(other)).toBe('none');
    expect(configChangedBy(pushEvent(repository, [CONFIG], { ref: 'refs/heads/main-2' }))).toBe('none');
    expect(configChangedBy(pushEvent(repository, ['docs/.github/gantry.yml']))).toBe('none');
  });

  it('is the repository when the commits cannot tell: a forced push, 20 commits or more, none listed', () => {
    expect(configChangedBy({ ...other, forced: true })).toBe('repository');
    const many = (n: number) => Array.from({ length: n }, () => other.commits[0]!);
    expect(configChangedBy({ ...other, commits: many(19) })).toBe('none');
    expect(configChangedBy({ ...other, commits: many(20) })).toBe('repository');
    expect(configChangedBy({ ...other, commits: [] })).toBe('repository');
    expect(configChangedBy({ ...other, forced: true, ref: 'refs/heads/elsewhere' })).toBe('none');
  });

  it("is the owner for the file of the owner's .github repository", () => {
    expect(configChangedBy(pushEvent(ownerConfigRepository, [CONFIG]))).toBe('owner');
    expect(configChangedBy(pushEvent({ ...ownerConfigRepository, name: '.GitHub' }, [CONFIG]))).toBe('owner');
    expect(configChangedBy(pushEvent(ownerConfigRepository, ['README.md']))).toBe('none');
    expect(configChangedBy(pushEvent({ ...repository, name: 'dot-github' }, [CONFIG]))).toBe('repository');
  });
});
