import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { GitHubAuditLog } from '../../core/audit/github-audit-log.js';
import { GitHubOpenApi } from '../github-simulator/openapi-validator.js';
import { AppHarness } from './app-harness.js';
import { ENV_FILE, MODEL, PromotionBench, REPO } from './promotion-fixtures.js';

const harness = new AppHarness();
const simulator = harness.simulator;
const bench = new PromotionBench(harness);
const { releases, promotions, shas } = bench;
const state = () => bench.state();
const at = () => bench.at();
const pullPayload = bench.pullPayload.bind(bench);
const promotionPull = bench.promotionPull.bind(bench);
const checksOn = bench.checksOn.bind(bench);
/** The one `gantry/promotion` check run of a commit, in the state given. */
function onlyCheck(head: string, state: { status: string; conclusion?: string | null }) {
  const checks = checksOn(head);
  expect(checks).toHaveLength(1);
  expect(checks[0]).toMatchObject(state);
  return checks[0]!;
}

beforeAll(async () => {
  await harness.start();
  await bench.setUp([
    ['1.1.0', 'pass'],
    ['1.2.0', 'pass', '1.1.0'],
    ['1.3.0', 'pass', '1.2.0'],
    ['1.3.1', 'pass', '1.2.0'],
    ['1.4.0', 'fail', '1.2.0'],
  ]);
}, 60_000);

afterAll(() => harness.stop());

beforeEach(() => {
  expect(simulator.violations).toEqual([]);
});

/** A review submitted and its event delivered three times. */
async function reviewed(number: number, head: string, user: string, reviewState: 'APPROVED' | 'COMMENTED') {
  const review = promotions.review(REPO, number, user, reviewState, head);
  expect(
    await harness.deliverThrice('pull_request_review', bench.reviewPayload(review, 'submitted', head)),
  ).toEqual([200, 200, 200]);
  return review;
}

/** Requests that wrote check runs: a repeated event must add none. */
const checkWrites = () =>
  simulator.calls.filter((c) => c.method !== 'GET' && c.path.startsWith(`/repos/${REPO}/check-runs`)).length;

/** The merge of a pull request: the base branch moves to its head, and GitHub sends `closed` with `merged`. */
const mergedPayload = bench.mergedPayload.bind(bench);

async function merge(number: number, head: string) {
  expect(await harness.deliverThrice('pull_request', bench.merge(number, head))).toEqual([200, 200, 200]);
}

describe('promotion by approval', () => {
  let pr: ReturnType<typeof promotionPull>;
  let head2: string;

  it('waits for an approval when the gate passed against what production runs', async () => {
    pr = promotionPull(10, '1.3.0', 'alice');
    const opened = pullPayload('pull_request', 'opened', 10, pr.head);
    expect(await harness.deliver('pull_request', opened)).toBe(200);
    const written = checkWrites();
    expect(await harness.deliverThrice('pull_request', opened)).toEqual([200, 200, 200]);
    expect(checkWrites()).toBe(written);
    const check = onlyCheck(pr.head, { status: 'in_progress', conclusion: null });
    expect(check.output.title).toBe('waiting for approval: acme/chat 1.3.0 → production');
    expect(check.output.summary).toContain(
      '| acme/chat 1.3.0 → production | gate | ✅ met | pass against 1.2.0 |',
    );
    expect(check.output.summary).toContain(
      '| acme/chat 1.3.0 → production | approval | ⏳ waiting | 0 of 1 approvals by maria, tim, acme/ml-platform, @carol |',
    );
  });

  it('does not count an approval by the author or by an owner without write access', async () => {
    await reviewed(10, pr.head, 'alice', 'APPROVED');
    await reviewed(10, pr.head, 'tim', 'APPROVED');
    const check = onlyCheck(pr.head, { status: 'in_progress', conclusion: null });
    expect(check.output.summary).toContain(
      'not counted: alice wrote the pull request; tim has triage access, and approving needs write',
    );
  });

  it('turns green when an owner with write access approves the head commit', async () => {
    await reviewed(10, pr.head, 'maria', 'APPROVED');
    const check = onlyCheck(pr.head, { status: 'completed', conclusion: 'success' });
    expect(check.output.title).toBe('gate passed and approved: merging promotes');
    expect(check.output.summary).toContain('| approval | ✅ met | 1 of 1 (maria)');
  });

  it('goes back to waiting when a new commit is pushed, and counts a member of an owning team', async () => {
    head2 = simulator.commit(
      REPO,
      { ...pr.files, 'NOTES.md': 'why 1.3.0' },
      { branch: state().pulls.get(10)!.head.ref },
    );
    state().pulls.get(10)!.head.sha = head2;
    expect(
      await harness.deliverThrice('pull_request', pullPayload('pull_request', 'synchronize', 10, head2)),
    ).toEqual([200, 200, 200]);
    const check = onlyCheck(head2, { status: 'in_progress', conclusion: null });
    expect(check.output.summary).toContain('maria approved an earlier commit');
    await reviewed(10, head2, 'bob', 'APPROVED');
    expect(checksOn(head2)).toMatchObject([{ status: 'completed', conclusion: 'success' }]);
    expect(checksOn(pr.head)).toHaveLength(1);
  });

  it('goes back to waiting when the approval is dismissed, in a newer run of the same commit', async () => {
    const approval = promotions.repository(REPO).reviews.find((r) => r.user === 'bob')!;
    approval.state = 'DISMISSED';
    expect(
      await harness.deliverThrice('pull_request_review', bench.reviewPayload(approval, 'dismissed', head2)),
    ).toEqual([200, 200, 200]);
    // A completed check run cannot wait again on GitHub: the newest run of the name is the one that counts.
    expect(checksOn(head2)).toMatchObject([
      { status: 'completed', conclusion: 'success' },
      { status: 'in_progress', conclusion: null },
    ]);
    const before = checkWrites();
    await reviewed(10, head2, 'bob', 'APPROVED');
    expect(checksOn(head2)).toMatchObject([
      { status: 'completed', conclusion: 'success' },
      { status: 'completed', conclusion: 'success' },
    ]);
    expect(checkWrites() - before).toBe(1);
  });

  let rival: string;

  it('clears a second promotion of the same environment on its own', async () => {
    rival = promotionPull(16, '1.3.1', 'alice').head;
    await harness.deliverThrice('pull_request', pullPayload('pull_request', 'opened', 16, rival));
    await reviewed(16, rival, 'maria', 'APPROVED');
    expect(checksOn(rival)).toMatchObject([{ status: 'completed', conclusion: 'success' }]);
  });

  it('records the promotion when the pull request is merged: release, deployment, audit entry', async () => {
    await merge(10, head2);
    const { releases: all, deployments } = releases.repository(REPO);
    expect(all.filter((r) => r.tag_name === 'acme/chat@1.3.0')).toMatchObject([{ prerelease: false }]);
    expect(all.find((r) => r.id === releases.repository(REPO).latest)?.tag_name).toBe('acme/chat@1.3.0');
    expect(deployments).toHaveLength(1);
    expect(deployments[0]).toMatchObject({
      ref: 'acme/chat@1.3.0',
      environment: 'production',
      production_environment: true,
      payload: expect.objectContaining({ model: 'acme/chat', version: '1.3.0', previous_version: '1.2.0' }),
    });
    expect(deployments[0]!.statuses).toHaveLength(1);
    const audit = await new GitHubAuditLog(at()).verify();
    expect(audit.ok).toBe(true);
    expect(audit.entries.map((e) => [e.event, e.actor, e.subject, e.links.pull_request])).toEqual([
      [
        'promoted',
        'alice',
        { model: 'acme/chat', version: '1.3.0', environment: 'production' },
        'https://github.com/Codertocat/Hello-World/pull/10',
      ],
    ]);
    const file = parse(state().commits.get(state().branches.get('master')!)!.get(ENV_FILE)!);
    expect(file.models['acme/chat'].version).toBe('1.3.0');
    expect(file.models['acme/chat'].history).toHaveLength(3);
  });

  it('checks the other open promotions again once one is merged: their gate was against what ran before', async () => {
    const check = onlyCheck(rival, { status: 'completed', conclusion: 'failure' });
    expect(check.output.summary).toContain(
      'it was gated against 1.2.0, but production runs 1.3.0: gate it against 1.3.0 first (/gate rerun)',
    );
    // Its branch is behind the base now: what it changed is read from where it branched off.
    const compared = simulator.calls.filter((c) => c.path.startsWith(`/repos/${REPO}/compare/`));
    expect(compared.at(-1)).toMatchObject({ status: 200 });
  });

  it('blocks a version whose gate failed, whoever approves', async () => {
    const failing = promotionPull(11, '1.4.0', 'alice');
    await harness.deliverThrice('pull_request', pullPayload('pull_request', 'opened', 11, failing.head));
    await reviewed(11, failing.head, 'maria', 'APPROVED');
    const check = onlyCheck(failing.head, { status: 'completed', conclusion: 'failure' });
    expect(check.output.title).toBe('blocked: gate (acme/chat 1.4.0 → production)');
    expect(check.output.summary).toContain('| gate | ❌ failed | its gate verdict is fail |');
  });

  it('needs no gate to roll back, only approval, and records the rollback when merged', async () => {
    const back = promotionPull(12, 'rollback', 'alice');
    await harness.deliverThrice('pull_request', pullPayload('pull_request', 'opened', 12, back.head));
    expect(checksOn(back.head)).toMatchObject([{ status: 'in_progress' }]);
    // A code owner of the environment file may approve too.
    await reviewed(12, back.head, 'carol', 'APPROVED');
    const check = onlyCheck(back.head, { status: 'completed', conclusion: 'success' });
    expect(check.output.summary).toContain(
      '| acme/chat rollback in production to 1.2.0 | approval | ✅ met | 1 of 1 (carol) |',
    );
    expect(check.output.summary).not.toContain('| gate |');
    await merge(12, back.head);
    const { deployments } = releases.repository(REPO);
    expect(deployments.map((d) => [d.ref, (d.payload as { reason: string }).reason])).toEqual([
      ['acme/chat@1.3.0', 'promote'],
      ['acme/chat@1.2.0', 'rollback'],
    ]);
    const audit = await new GitHubAuditLog(at()).verify();
    expect(audit.ok).toBe(true);
    expect(audit.entries.map((e) => [e.event, e.subject.version])).toEqual([
      ['promoted', '1.3.0'],
      ['rollback', '1.2.0'],
    ]);
    // The merge of 1.3.0 delivered again, late: the rollback that replaced it stays.
    expect(await harness.deliver('pull_request', mergedPayload(10, head2))).toBe(200);
    expect(deployments).toHaveLength(2);
    expect((await new GitHubAuditLog(at()).verify()).entries).toHaveLength(2);
    const file = parse(state().commits.get(state().branches.get('master')!)!.get(ENV_FILE)!);
    expect(file.models['acme/chat'].version).toBe('1.2.0');
  });

  it('takes approvers from the base branch: a pull request cannot make its own reviewer an owner', async () => {
    const sneaky = promotionPull(13, '1.3.0', 'alice');
    const head = simulator.commit(REPO, {
      ...sneaky.files,
      'models/chat/model.yml': MODEL.replace('owners: [maria,', 'owners: [mallory, maria,'),
    });
    simulator.pullRequest(REPO, 13, head, [ENV_FILE, 'models/chat/model.yml'], { user: 'alice' });
    state().collaborators.set('mallory', 'write');
    await harness.deliverThrice('pull_request', pullPayload('pull_request', 'opened', 13, head));
    await reviewed(13, head, 'mallory', 'APPROVED');
    const check = onlyCheck(head, { status: 'in_progress' });
    expect(check.output.summary).toContain(
      'not counted: mallory is not an owner of acme/chat nor a code owner of its environment file',
    );
  });

  it('refuses to record a merge past a failing check: no deployment, one comment, one audit entry', async () => {
    const before = state().branches.get('master')!;
    const failing = promotionPull(15, '1.4.0', 'alice');
    await harness.deliverThrice('pull_request', pullPayload('pull_request', 'opened', 15, failing.head));
    await reviewed(15, failing.head, 'maria', 'APPROVED');
    expect(checksOn(failing.head)).toMatchObject([{ conclusion: 'failure' }]);
    const deployments = releases.repository(REPO).deployments.length;
    await merge(15, failing.head);
    expect(releases.repository(REPO).deployments).toHaveLength(deployments);
    expect(releases.repository(REPO).releases.find((r) => r.tag_name === 'acme/chat@1.4.0')).toMatchObject({
      prerelease: true,
    });
    const comments = state().comments.filter((c) => c.issue === 15);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain(
      '**Gantry did not record this promotion**: blocked: gate (acme/chat 1.4.0 → production).',
    );
    expect(comments[0]!.body).toContain('- acme/chat 1.4.0 → production: gate — its gate verdict is fail');
    const refused = (await new GitHubAuditLog(at()).verify()).entries.filter(
      (e) => e.event === 'promotion_refused',
    );
    expect(refused).toMatchObject([
      {
        actor: 'maria',
        subject: { model: 'acme/chat', version: '1.4.0', environment: 'production' },
        before: { version: '1.2.0' },
        links: { pull_request: `https://github.com/${REPO}/pull/15` },
      },
    ]);
    // As the revert this comment asks for would: production names what it ran before again.
    state().branches.set('master', before);
  });

  it('does not count the approval of whoever asked the app for the promotion it opened', async () => {
    const asked = promotionPull(17, '1.3.1', 'gantry[bot]', 'maria');
    await harness.deliverThrice('pull_request', pullPayload('pull_request', 'opened', 17, asked.head));
    await reviewed(17, asked.head, 'maria', 'APPROVED');
    expect(checksOn(asked.head)).toMatchObject([{ status: 'in_progress' }]);
    expect(checksOn(asked.head)[0]!.output.summary).toContain('not counted: maria wrote the pull request');
    await reviewed(17, asked.head, 'bob', 'APPROVED');
    expect(checksOn(asked.head)).toMatchObject([{ status: 'completed', conclusion: 'success' }]);
  });

  it('fails the check of an environment file that cannot be read, saying where', async () => {
    const base = state().branches.get('master')!;
    const head = simulator.commit(REPO, {
      ...Object.fromEntries(state().commits.get(base)!),
      [ENV_FILE]: 'models: [1.3.0]\n',
    });
    simulator.pullRequest(REPO, 14, head, [ENV_FILE], { user: 'alice' });
    await harness.deliverThrice('pull_request', pullPayload('pull_request', 'opened', 14, head));
    expect(checksOn(head)).toMatchObject([
      {
        status: 'completed',
        conclusion: 'failure',
        output: {
          title: 'the promotion cannot be read',
          summary: expect.stringContaining('.gantry/environments/production.yml (head): models:'),
        },
      },
    ]);
  });
});

describe('deployment protection rule', () => {
  const openApi = new GitHubOpenApi();

  const protectionRequest = bench.protectionRequest.bind(bench);

  it('approves a commit whose version passed its gate, rejects one whose gate failed, each once', async () => {
    const good = protectionRequest(7001, shas['1.3.0']!);
    const bad = protectionRequest(7002, shas['1.4.0']!);
    expect(openApi.webhookProblems('deployment-protection-rule-requested', good)).toEqual([]);
    expect(openApi.webhookProblems('deployment-protection-rule-requested', bad)).toEqual([]);
    expect(await harness.deliverThrice('deployment_protection_rule', good)).toEqual([200, 200, 200]);
    expect(await harness.deliverThrice('deployment_protection_rule', bad)).toEqual([200, 200, 200]);
    const short = (v: string) => shas[v]!.slice(0, 12);
    expect(promotions.decisions(REPO)).toEqual([
      {
        run: 7001,
        environment_name: 'production',
        state: 'approved',
        comment: `Gantry approves ${short('1.3.0')} for production: acme/chat@1.3.0 (pass against 1.2.0).`,
      },
      {
        run: 7002,
        environment_name: 'production',
        state: 'rejected',
        comment: `Gantry rejects ${short('1.4.0')} for production: acme/chat@1.4.0's gate verdict is fail.`,
      },
    ]);
    expect(simulator.violations).toEqual([]);
  });

  it('rejects a commit with no recorded version, also when the event names no deployment', async () => {
    const unknown = { ...protectionRequest(7003, state().branches.get('master')!), deployment: null };
    expect(openApi.webhookProblems('deployment-protection-rule-requested', unknown)).toEqual([]);
    expect(await harness.deliver('deployment_protection_rule', unknown)).toBe(200);
    expect(promotions.decisions(REPO).at(-1)).toMatchObject({
      run: 7003,
      state: 'rejected',
      comment: expect.stringContaining('No model version is recorded for'),
    });
  });
});
