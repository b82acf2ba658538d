import { describe, expect, it } from 'vitest';
import { promotionCheck, promotionCheckWrite } from '../../core/promotion/promotion-check.js';
import { type PromotionFacts, promotionStatus, type Review } from '../../core/promotion/promotion-status.js';

const HEAD = 'b'.repeat(40);
const OLD = 'a'.repeat(40);

function facts(overrides: Partial<PromotionFacts> = {}, reviews: Review[] = []): PromotionFacts {
  return {
    author: 'dave',
    head_sha: HEAD,
    changes: [
      {
        model: 'acme/chat',
        environment: 'production',
        kind: 'promote',
        version: '1.3.0',
        current: '1.2.0',
        approvals: 1,
        approvers: ['alice', '@acme/ml-platform'],
        gate: { verdict: 'pass', against: '1.2.0' },
      },
    ],
    reviews,
    permissions: {
      alice: { role_name: 'maintain', permission: 'write' },
      bob: { role_name: 'write', permission: 'write' },
      dave: { role_name: 'admin', permission: 'admin' },
      erin: { role_name: 'triage', permission: 'read' },
      mallory: { error: 'HTTP 502' },
    },
    teams: { bob: ['acme/ml-platform'], erin: ['acme/ml-platform'], mallory: ['acme/ml-platform'] },
    ...overrides,
  };
}
const approve = (user: string, commit = HEAD): Review => ({ user, state: 'APPROVED', commit_id: commit });

describe('promotionStatus', () => {
  it('passes when the gate passed against production and an owner approved the head commit', () => {
    const status = promotionStatus(facts({}, [approve('alice')]));
    expect(status.conclusion).toBe('success');
    expect(status.requirements.map((r) => [r.requirement, r.state, r.detail])).toEqual([
      ['gate', 'met', 'pass against 1.2.0'],
      ['approval', 'met', '1 of 1 (alice)'],
    ]);
  });

  it('says that a code owner named by e-mail cannot approve here, and how to name them instead', () => {
    const status = promotionStatus(
      facts({ changes: [{ ...facts().changes[0]!, approvers: ['jane@example.com'] }] }, [approve('jane')]),
    );
    expect(status.conclusion).toBe('pending');
    expect(status.requirements[1]!.detail).toBe(
      "0 of 1 approvals by jane@example.com; not counted: jane is not an owner of acme/chat nor a code owner of its environment file; jane@example.com: an e-mail address cannot be matched to a reviewer through GitHub's API, name the owner as @login in CODEOWNERS",
    );
  });

  it('counts a member of an owning team with write access', () => {
    expect(promotionStatus(facts({}, [approve('bob')])).conclusion).toBe('success');
  });

  it.each([
    ['the author', approve('dave'), 'dave wrote the pull request'],
    ['a team member with read access', approve('erin'), 'erin has triage access, and approving needs write'],
    [
      'someone whose access cannot be checked',
      approve('mallory'),
      "mallory's permission could not be checked (HTTP 502)",
    ],
    ['someone who owns nothing', approve('zoe'), 'zoe is not an owner of acme/chat nor a code owner'],
    ['an approval of an earlier commit', approve('alice', OLD), 'alice approved an earlier commit'],
  ])('does not count %s', (_, review, why) => {
    const status = promotionStatus(facts({}, [review]));
    expect(status.conclusion).toBe('pending');
    expect(status.requirements[1]!.detail).toContain(why);
  });

  it('goes back to pending when an approval is dismissed, and fails on a change request', () => {
    const dismissed = promotionStatus(
      facts({}, [approve('alice'), { user: 'alice', state: 'DISMISSED', commit_id: HEAD }]),
    );
    expect(dismissed.conclusion).toBe('pending');
    // A later comment does not withdraw an approval.
    expect(
      promotionStatus(facts({}, [approve('alice'), { user: 'alice', state: 'COMMENTED', commit_id: HEAD }]))
        .conclusion,
    ).toBe('success');
    const blocked = promotionStatus(
      facts({}, [approve('alice'), { user: 'bob', state: 'CHANGES_REQUESTED', commit_id: HEAD }]),
    );
    expect(blocked.conclusion).toBe('failure');
    expect(blocked.requirements[1]!.detail).toBe('bob requested changes');
  });

  it('fails without a passing gate against what the environment runs now, whatever the approvals', () => {
    const change = facts().changes[0]!;
    const with_ = (gate: (typeof change)['gate']) =>
      promotionStatus(facts({ changes: [{ ...change, gate }] }, [approve('alice')]));
    expect(with_({ verdict: 'fail', against: '1.2.0' }).requirements[0]!.detail).toBe(
      'its gate verdict is fail',
    );
    expect(with_({ verdict: 'inconclusive', against: '1.2.0' }).conclusion).toBe('failure');
    expect(with_({ verdict: null }).requirements[0]!.detail).toBe('the version was never gated');
    expect(with_(undefined).requirements[0]!.detail).toBe('acme/chat@1.3.0 is not recorded in the registry');
    const stale = with_({ verdict: 'pass', against: '1.1.0' });
    expect(stale.conclusion).toBe('failure');
    expect(stale.requirements[0]!.detail).toBe(
      'it was gated against 1.1.0, but production runs 1.2.0: gate it against 1.2.0 first (/gate rerun)',
    );
  });

  it('needs as many approvals as the environment asks, and no gate for a rollback', () => {
    const change = { ...facts().changes[0]!, approvals: 2 };
    expect(promotionStatus(facts({ changes: [change] }, [approve('alice')])).conclusion).toBe('pending');
    expect(promotionStatus(facts({ changes: [change] }, [approve('alice'), approve('bob')])).conclusion).toBe(
      'success',
    );
    const rollback = {
      ...change,
      kind: 'rollback' as const,
      version: '1.1.0',
      gate: undefined,
      approvals: 1,
    };
    const status = promotionStatus(facts({ changes: [rollback] }, [approve('bob')]));
    expect(status.conclusion).toBe('success');
    expect(status.requirements.map((r) => r.requirement)).toEqual(['approval']);
  });
});

describe('promotionCheckWrite', () => {
  const waiting = promotionCheck(promotionStatus(facts()));
  const passed = promotionCheck(promotionStatus(facts({}, [approve('alice')])));
  const run = (content: typeof waiting, id = 7) => ({
    id,
    status: content.status,
    conclusion: content.conclusion ?? null,
    output: { title: content.title, summary: content.summary },
  });

  it('writes nothing when the newest run says the same, and updates it otherwise', () => {
    expect(promotionCheckWrite(run(waiting), waiting)).toEqual({ kind: 'skip' });
    expect(promotionCheckWrite(run(waiting), passed)).toEqual({ kind: 'update', id: 7 });
    expect(promotionCheckWrite(undefined, waiting)).toEqual({ kind: 'create' });
  });

  it('adds a run to wait again on a commit whose run was decided: a completed run stays completed', () => {
    expect(waiting.status).toBe('in_progress');
    expect(promotionCheckWrite(run(passed), waiting)).toEqual({ kind: 'create' });
  });
});
