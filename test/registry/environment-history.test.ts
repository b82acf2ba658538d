import { describe, expect, it } from 'vitest';
import { environmentStack, planPromotion, planRollback } from '../../core/registry/environment-history.js';
import type { EnvironmentEntry, StoredVersion } from '../../schemas/model-version.js';

const by = { actor: 'alice', now: new Date('2026-11-23T10:00:00Z') };
const where = { model: 'acme/chat', environment: 'production' };

/** A history made of the moves given, each planned on the history before it. */
function replay(moves: string[]): EnvironmentEntry[] {
  const history: EnvironmentEntry[] = [];
  for (const move of moves) {
    const change =
      move === 'rollback'
        ? { entry: planRollback(history, { ...where, ...by }), changed: true }
        : planPromotion(history, stored(move), { ...where, ...by, version: move });
    if (change.changed) history.push(change.entry);
  }
  return history;
}

function stored(version: string, verdict?: 'pass' | 'fail'): StoredVersion {
  return { version, gate: verdict ? { verdict } : null } as StoredVersion;
}

describe('environment history', () => {
  it('rolls back to the version that ran before, not the newest other one', () => {
    const history = replay(['1.0.0', '3.0.0', '2.0.0']);
    expect(planRollback(history, { ...where, ...by })).toMatchObject({ from: '2.0.0', to: '3.0.0' });
  });

  it('rolls back step by step through the history, never flip-flopping', () => {
    const history = replay(['1.0.0', '1.1.0', '1.2.0', 'rollback', 'rollback']);
    expect(history.map((e) => [e.reason, e.from, e.to])).toEqual([
      ['promote', null, '1.0.0'],
      ['promote', '1.0.0', '1.1.0'],
      ['promote', '1.1.0', '1.2.0'],
      ['rollback', '1.2.0', '1.1.0'],
      ['rollback', '1.1.0', '1.0.0'],
    ]);
    expect(history.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(() => planRollback(history, { ...where, ...by })).toThrow(/has run only 1\.0\.0/);
  });

  it('promotes after a rollback on top of what runs now', () => {
    const history = replay(['1.0.0', '1.1.0', 'rollback', '1.2.0']);
    expect(environmentStack(history)).toEqual(['1.0.0', '1.2.0']);
    expect(planRollback(history, { ...where, ...by }).to).toBe('1.0.0');
  });

  it('refuses what cannot be done, saying why', () => {
    expect(() => planRollback([], { ...where, ...by })).toThrow(/never promoted/);
    expect(() => planPromotion([], undefined, { ...where, ...by, version: '9.9.9' })).toThrow(
      /acme\/chat@9\.9\.9 is not recorded/,
    );
    expect(() => planPromotion([], stored('1.0.0', 'fail'), { ...where, ...by, version: '1.0.0' })).toThrow(
      /did not pass its gate \(verdict: fail\).*--force/,
    );
    const forced = planPromotion([], stored('1.0.0', 'fail'), {
      ...where,
      ...by,
      version: '1.0.0',
      force: true,
      note: 'hotfix',
    });
    expect(forced.entry).toMatchObject({ to: '1.0.0', note: 'hotfix' });
  });

  it('changes nothing when the environment already runs the version', () => {
    const history = replay(['1.0.0']);
    const again = planPromotion(history, stored('1.0.0'), { ...where, ...by, version: '1.0.0' });
    expect(again).toEqual({ entry: history[0], changed: false });
  });
});
