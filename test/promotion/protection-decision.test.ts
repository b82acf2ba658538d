import { describe, expect, it } from 'vitest';
import { protectionDecision } from '../../core/promotion/protection-decision.js';
import type { ModelVersion } from '../../schemas/model-version.js';

const SHA = 'c'.repeat(40);

function version(model: string, v: string, gate: ModelVersion['gate']): ModelVersion {
  return {
    schema_version: 1,
    model,
    version: v,
    git_sha: SHA,
    images: {},
    gate,
    records: [],
    metadata: {},
    lineage: {},
    digest: 'd'.repeat(64),
    recorded_at: '2026-11-23T10:00:00.000Z',
    recorded_by: 'ci',
    state: 'candidate',
    environments: [],
  };
}

describe('protectionDecision', () => {
  const production = (model: string) => ({ 'acme/chat': '1.2.0' })[model];

  it('approves a commit whose versions all passed against what the environment runs', () => {
    const decision = protectionDecision(
      'production',
      SHA,
      [
        version('acme/chat', '1.3.0', { verdict: 'pass', against: '1.2.0' }),
        version('acme/asr', '0.4.0', { verdict: 'pass' }),
      ],
      production,
    );
    expect(decision).toEqual({
      state: 'approved',
      comment:
        'Gantry approves cccccccccccc for production: acme/chat@1.3.0 (pass against 1.2.0), acme/asr@0.4.0 (pass).',
    });
    // Redeploying what already runs needs no new comparison.
    expect(
      protectionDecision(
        'production',
        SHA,
        [version('acme/chat', '1.2.0', { verdict: 'pass', against: '1.1.0' })],
        production,
      ).state,
    ).toBe('approved');
  });

  it.each([
    [
      [],
      'No model version is recorded for cccccccccccc: record it and gate it before deploying to production.',
    ],
    [[version('acme/chat', '1.3.0', null)], 'acme/chat@1.3.0 was never gated'],
    [
      [version('acme/chat', '1.3.0', { verdict: 'fail', against: '1.2.0' })],
      "acme/chat@1.3.0's gate verdict is fail",
    ],
    [
      [version('acme/chat', '1.3.0', { verdict: 'inconclusive', against: '1.2.0' })],
      "acme/chat@1.3.0's gate verdict is inconclusive",
    ],
    [
      [version('acme/chat', '1.3.0', { verdict: 'pass', against: '1.1.0' })],
      'acme/chat@1.3.0 was gated against 1.1.0, but production runs 1.2.0',
    ],
  ])('rejects %#', (versions, why) => {
    const decision = protectionDecision('production', SHA, versions as ModelVersion[], production);
    expect(decision.state).toBe('rejected');
    expect(decision.comment).toContain(why);
  });
});
