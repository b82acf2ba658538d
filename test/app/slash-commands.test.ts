import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { AppHarness, example } from './app-harness.js';
import { PRODUCTION } from './promotion-fixtures.js';
import { type PushedRepository, pushEvent } from './push-event.js';
import { commentCreated } from './results-fixtures.js';

const REPO = 'Codertocat/Hello-World';
const harness = new AppHarness();
const simulator = harness.simulator;
const state = () => simulator.repository(REPO);

let head: string;
let nextComment = 5000;

beforeAll(async () => {
  await harness.start();
  state().defaultBranch = 'master';
  simulator.commit(
    REPO,
    { 'README.md': '# models', '.gantry/environments/production.yml': PRODUCTION },
    { branch: 'master' },
  );
  head = simulator.commit(REPO, { 'models/chat/model.yml': 'name: acme/chat\n' });
  simulator.pullRequest(REPO, 1, head, ['models/chat/model.yml'], { ref: 'faster-decoding' });
  simulator.pullRequest(REPO, 2, head, ['models/chat/model.yml'], {
    ref: 'from-a-fork',
    headRepo: 'someone/Hello-World',
  });
  state().workflows.add('gantry-ci.yml');
  for (const [login, role] of [
    ['alice', 'write'],
    ['maria', 'maintain'],
    ['tim', 'triage'],
  ])
    state().collaborators.set(login!, role!);
}, 30_000);

afterAll(() => harness.stop());

beforeEach(() => {
  expect(simulator.violations).toEqual([]);
});

/** GitHub's example `issue_comment.created`, as `login` commenting `body` on pull request `number`. */
const commented = (body: string, login: string, number = 1) =>
  commentCreated(number, nextComment++, body, login);

/** Delivers a comment three times (twice as one delivery, once as a new one); returns its id. */
async function comment(body: string, login: string, number = 1): Promise<number> {
  const payload = commented(body, login, number);
  expect(await harness.deliverThrice('issue_comment', payload)).toEqual([200, 200, 200]);
  return payload.comment.id;
}

const reactionsTo = (id: number) =>
  state()
    .reactions.filter((r) => r.comment === id)
    .map((r) => r.content);
const replies = () => state().comments.map((c) => c.body);

describe('slash commands', () => {
  it('/benchmark PROFILE by a writer dispatches the workflow once on the pull request branch', async () => {
    const id = await comment('Looks slow.\n/benchmark chat', 'alice');
    expect(state().dispatches).toEqual([
      { workflow: 'gantry-ci.yml', ref: 'faster-decoding', inputs: { profile: 'chat' } },
    ]);
    expect(reactionsTo(id)).toEqual(['+1']);
    expect(replies()).toEqual([]);
    // Answered once even when the app's reaction is past the first page of everyone's.
    const popular = commented('/gate rerun', 'maria');
    for (let i = 0; i < 120; i++)
      state().reactions.push({
        id: 80_000 + i,
        comment: popular.comment.id,
        content: 'eyes',
        user: `fan${i}`,
      });
    expect(await harness.deliverThrice('issue_comment', popular)).toEqual([200, 200, 200]);
    const rerun = popular.comment.id;
    expect(state().dispatches.at(-1)).toEqual({
      workflow: 'gantry-ci.yml',
      ref: 'faster-decoding',
      inputs: {},
    });
    expect(state().dispatches).toHaveLength(2);
    expect(reactionsTo(rerun).filter((r) => r !== 'eyes')).toEqual(['+1']);
  });

  it('refuses a commenter without the role, or whose permission cannot be checked', async () => {
    const before = state().dispatches.length;
    const triager = await comment('Why so slow?\n/benchmark', 'tim');
    expect(reactionsTo(triager)).toEqual(['-1']);
    expect(replies().at(-1)).toBe(
      '@tim `/benchmark` refused: it needs the write role or above, and you have triage.',
    );
    const stranger = await comment('/benchmark', 'mallory');
    expect(reactionsTo(stranger)).toEqual(['-1']);
    expect(replies().at(-1)).toContain('could not be checked (not a collaborator)');
    // GitHub failing to answer is no refusal and no access: the delivery fails, nothing is done, and
    // GitHub's redelivery is handled once GitHub answers again.
    simulator.fail('GET', '/repos/{owner}/{repo}/collaborators/{username}/permission', 502, 1);
    const busy = commented('/benchmark', 'alice');
    expect(await harness.deliver('issue_comment', busy)).not.toBe(200);
    expect(reactionsTo(busy.comment.id)).toEqual([]);
    expect(state().dispatches).toHaveLength(before);
    expect(await harness.deliver('issue_comment', busy)).toBe(200);
    expect(reactionsTo(busy.comment.id)).toEqual(['+1']);
    const writer = await comment('/promote acme/chat@1.3.0 production', 'alice');
    expect(replies().at(-1)).toBe(
      '@alice `/promote acme/chat@1.3.0 production` refused: it needs the maintain role or above, and you have write.',
    );
    expect(reactionsTo(writer)).toEqual(['-1']);
    expect(state().dispatches).toHaveLength(before + 1);
    expect(replies()).toHaveLength(3);
  });

  it('/promote by a maintainer opens one promotion pull request changing the environment file', async () => {
    const id = await comment('/promote acme/chat@1.3.0 production', 'maria');
    const pulls = [...state().pulls.values()].filter((p) => p.head.ref.startsWith('gantry/'));
    expect(pulls).toHaveLength(1);
    expect(pulls[0]).toMatchObject({
      title: 'Promote acme/chat to 1.3.0 in production',
      head: { ref: 'gantry/promote/production/acme-chat-1.3.0' },
      base: { ref: 'master' },
    });
    const file = parse(state().commits.get(pulls[0]!.head.sha)!.get('.gantry/environments/production.yml')!);
    expect(file.models['acme/chat'].version).toBe('1.3.0');
    expect(file.models['acme/chat'].history.at(-1)).toMatchObject({
      seq: 3,
      from: '1.2.0',
      to: '1.3.0',
      actor: 'maria',
    });
    expect(reactionsTo(id)).toEqual(['+1']);
    expect(replies().at(-1)).toContain(`Opened the promotion pull request: #${pulls[0]!.number}`);

    // The same request in a new comment points at the pull request already open.
    await comment('/promote acme/chat@1.3.0 production', 'maria');
    expect([...state().pulls.values()].filter((p) => p.head.ref.startsWith('gantry/'))).toHaveLength(1);
    expect(replies().at(-1)).toContain(`already open: #${pulls[0]!.number}`);
  });

  it('/rollback opens the pull request back to the version the environment ran before', async () => {
    const id = await comment('/rollback acme/chat production', 'maria');
    const pull = [...state().pulls.values()].find((p) => p.head.ref.startsWith('gantry/rollback/'))!;
    expect(pull.title).toBe('Roll back acme/chat to 1.1.0 in production');
    const file = parse(state().commits.get(pull.head.sha)!.get('.gantry/environments/production.yml')!);
    expect(file.models['acme/chat'].history.at(-1)).toMatchObject({
      from: '1.2.0',
      to: '1.1.0',
      reason: 'rollback',
    });
    expect(reactionsTo(id)).toEqual(['+1']);
    const nothing = await comment('/rollback acme/asr production', 'maria');
    expect(reactionsTo(nothing)).toEqual(['confused']);
    expect(replies().at(-1)).toContain('acme/asr in production was never promoted');
  });

  it('answers what it cannot do, and ignores what is not a command or not on a pull request', async () => {
    const wrong = await comment('/gate please', 'alice');
    expect(reactionsTo(wrong)).toEqual(['confused']);
    expect(replies().at(-1)).toBe(
      '@alice `/gate` not understood: the gate command is "rerun"; usage: `/gate rerun`.',
    );
    const before = state().dispatches.length;
    const fork = await comment('/benchmark', 'alice', 2);
    expect(reactionsTo(fork)).toEqual(['confused']);
    expect(replies().at(-1)).toContain('pull requests from forks do not run');
    expect(state().dispatches).toHaveLength(before);

    const count = replies().length;
    const quoted = await comment('> /benchmark\n```\n/benchmark\n```\nthanks', 'alice');
    const onIssue = commented('/benchmark', 'alice');
    delete (onIssue.issue as { pull_request?: unknown }).pull_request;
    expect(await harness.deliver('issue_comment', onIssue)).toBe(200);
    expect(reactionsTo(quoted)).toEqual([]);
    expect(reactionsTo(onIssue.comment.id)).toEqual([]);
    expect(replies()).toHaveLength(count);
    expect(simulator.violations).toEqual([]);
  });
  it('follows .github/gantry.yml: commands off, a stricter role, and an invalid file answered with its check', async () => {
    const repository = example('issue_comment', 'created').repository as PushedRepository;
    const config = async (text: string) => {
      simulator.commit(
        REPO,
        { '.gantry/environments/production.yml': PRODUCTION, '.github/gantry.yml': text },
        { branch: 'master' },
      );
      expect(await harness.deliver('push', pushEvent(repository, ['.github/gantry.yml']))).toBe(200);
    };
    await config('commands: false\n');
    const off = await comment('/benchmark', 'alice');
    expect(reactionsTo(off)).toEqual([]);

    await config('permissions:\n  benchmark: maintain\n');
    const strict = await comment('/benchmark', 'alice');
    expect(reactionsTo(strict)).toEqual(['-1']);
    expect(replies().at(-1)).toContain('it needs the maintain role or above, and you have write');

    await config('commands: sometimes\n');
    const broken = await comment('/benchmark', 'maria');
    expect(reactionsTo(broken)).toEqual(['confused']);
    expect(replies().at(-1)).toContain('`.github/gantry.yml` is invalid (see the gantry/config check)');
    const checks = state().checkRuns.filter((r) => r.head_sha === head && r.name === 'gantry/config');
    expect(checks).toHaveLength(1);
    expect(checks[0]!.annotations).toEqual([
      expect.objectContaining({
        path: '.github/gantry.yml',
        start_line: 1,
        message: 'commands: expected true or false, got "sometimes"',
      }),
    ]);
    expect(simulator.violations).toEqual([]);
  });
});
