import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { GitHubAuditLog } from '../../core/audit/github-audit-log.js';
import { AppHarness } from './app-harness.js';
import { ENV_FILE, MODEL, PromotionBench, REPO } from './promotion-fixtures.js';
import { commentCreated } from './results-fixtures.js';

const harness = new AppHarness();
const simulator = harness.simulator;
const bench = new PromotionBench(harness);
const state = () => bench.state();
let nextComment = 7000;

beforeAll(async () => {
  await harness.start();
  await bench.setUp([
    ['1.1.0', 'pass'],
    ['1.2.0', 'pass', '1.1.0'],
  ]);
  const head = simulator.commit(REPO, { 'models/chat/model.yml': MODEL }, { branch: 'faster-decoding' });
  simulator.pullRequest(REPO, 30, head, ['models/chat/model.yml'], { ref: 'faster-decoding' });
}, 60_000);

afterAll(() => harness.stop());

/** model.yml on the default branch, with production's emergency rollback on or off. */
function allowEmergencyRollback(allowed: boolean) {
  const master = state().branches.get('master')!;
  const files = Object.fromEntries(state().commits.get(master)!);
  files['models/chat/model.yml'] = MODEL.replace(
    'production: { approvals: 1 }',
    `production: { approvals: 1, emergency_rollback: ${allowed} }`,
  );
  simulator.commit(REPO, files, { branch: 'master' });
}

const productionFile = () =>
  parse(state().commits.get(state().branches.get('master')!)!.get(ENV_FILE)!) as {
    models: Record<string, { version: string; history: { to: string; reason: string; note?: string }[] }>;
  };

async function comment(body: string, login: string): Promise<number> {
  const payload = commentCreated(30, nextComment++, body, login);
  expect(await harness.deliverThrice('issue_comment', payload)).toEqual([200, 200, 200]);
  return payload.comment.id;
}

describe('/rollback where model.yml allows an emergency rollback', () => {
  it('opens a promotion pull request where model.yml does not allow it', async () => {
    allowEmergencyRollback(false);
    const before = productionFile().models['acme/chat']!.history.length;
    await comment('/rollback acme/chat production', 'maria');
    expect(productionFile().models['acme/chat']!.history).toHaveLength(before);
    expect([...state().pulls.values()].some((p) => p.head.ref.startsWith('gantry/rollback/'))).toBe(true);
    expect(simulator.violations).toEqual([]);
  });
  it('returns production to the version it ran before at once, recorded once, and only for a maintainer', async () => {
    allowEmergencyRollback(true);
    // A writer may not: rolling back production is a maintainer's call.
    await comment('/rollback acme/chat production', 'alice');
    expect(productionFile().models['acme/chat']!.version).toBe('1.2.0');

    const id = await comment('/rollback acme/chat production', 'maria');
    const chat = productionFile().models['acme/chat']!;
    expect(chat.version).toBe('1.1.0');
    // Delivered three times, rolled back once.
    expect(chat.history.map((h) => [h.reason, h.to])).toEqual([
      ['promote', '1.1.0'],
      ['promote', '1.2.0'],
      ['rollback', '1.1.0'],
    ]);
    expect(chat.history.at(-1)!.note).toContain(`#issuecomment-${id}`);
    expect(bench.releases.repository(REPO).deployments.map((d) => d.payload)).toEqual([
      expect.objectContaining({ model: 'acme/chat', version: '1.1.0', previous_version: '1.2.0' }),
    ]);
    const audit = await new GitHubAuditLog(bench.at()).verify();
    expect(audit.entries.filter((e) => e.event === 'rollback').map((e) => [e.actor, e.subject])).toEqual([
      ['maria', { model: 'acme/chat', environment: 'production', version: '1.1.0' }],
    ]);
    expect(state().comments.at(-1)!.body).toBe(
      '@maria Rolled acme/chat in production back from 1.2.0 to 1.1.0 at once: model.yml allows an emergency rollback there. The deployment is created and the audit trail records it.',
    );
    expect(
      state()
        .reactions.filter((r) => r.comment === id)
        .map((r) => r.content),
    ).toEqual(['+1']);
    expect(simulator.violations).toEqual([]);
  });
});
