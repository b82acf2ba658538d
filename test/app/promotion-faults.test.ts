import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { GitHubAuditLog } from '../../core/audit/github-audit-log.js';
import { AppHarness } from './app-harness.js';
import { ENV_FILE, PromotionBench, REPO } from './promotion-fixtures.js';

const harness = new AppHarness({ retries: true });
const simulator = harness.simulator;
const bench = new PromotionBench(harness);
const VERSIONS = ['1.3.0', '1.4.0', '1.5.0', '1.6.0'];

beforeAll(async () => {
  await harness.start();
  await bench.setUp([
    ['1.1.0', 'pass'],
    ['1.2.0', 'pass', '1.1.0'],
    ...VERSIONS.map((v, i) => [v, 'pass', i === 0 ? '1.2.0' : VERSIONS[i - 1]] as const),
  ]);
}, 60_000);
afterAll(() => harness.stop());

describe('promotions with 20% of GitHub responses failing (502)', () => {
  it('each promotion is still checked, approved and recorded once: one check run, deployment and audit entry', async () => {
    simulator.faultRate = 0.2;
    const heads: string[] = [];
    for (const [i, version] of VERSIONS.entries()) {
      const number = 20 + i;
      const { head } = bench.promotionPull(number, version, 'alice');
      heads.push(head);
      await harness.deliverUntilHandled(
        'pull_request',
        bench.pullPayload('pull_request', 'opened', number, head),
      );
      const approval = bench.promotions.review(REPO, number, 'maria', 'APPROVED', head);
      await harness.deliverUntilHandled(
        'pull_request_review',
        bench.reviewPayload(approval, 'submitted', head),
      );
      await harness.deliverUntilHandled('pull_request', bench.merge(number, head));
    }
    simulator.faultRate = 0;

    expect(simulator.calls.filter((c) => c.status === 502).length).toBeGreaterThan(20);
    for (const head of heads)
      expect(bench.checksOn(head)).toMatchObject([{ status: 'completed', conclusion: 'success' }]);
    const { deployments, releases } = bench.releases.repository(REPO);
    expect(deployments.map((d) => [d.ref, d.statuses.length])).toEqual(
      VERSIONS.map((v) => [`acme/chat@${v}`, 1]),
    );
    expect(releases.filter((r) => !r.prerelease).map((r) => r.tag_name)).toEqual(
      VERSIONS.map((v) => `acme/chat@${v}`),
    );
    const audit = await new GitHubAuditLog(bench.at()).verify();
    expect(audit.ok).toBe(true);
    expect(audit.entries.map((e) => [e.event, e.subject.version])).toEqual(
      VERSIONS.map((v) => ['promoted', v]),
    );
    const file = parse(bench.state().commits.get(bench.state().branches.get('master')!)!.get(ENV_FILE)!);
    expect(file.models['acme/chat'].history.map((e: { to: string }) => e.to)).toEqual([
      '1.1.0',
      '1.2.0',
      ...VERSIONS,
    ]);
    expect(simulator.violations).toEqual([]);
  }, 120_000);
});
