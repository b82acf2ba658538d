import { describe, expect, it } from 'vitest';
import { environmentOfPath } from '../../core/commands/environment-change.js';
import { promotionCheck } from '../../core/promotion/promotion-check.js';
import { promotionRules } from '../../core/promotion/promotion-rules.js';
import { promotionAuthor, proposedMoves } from '../../core/promotion/proposed-moves.js';

const entry = (seq: number, from: string | null, to: string, reason = 'promote') =>
  `      - { seq: ${seq}, model: acme/chat, environment: production, from: ${from ?? 'null'}, to: ${to}, reason: ${reason}, actor: maria, time: "2026-11-0${seq}T10:00:00.000Z" }`;
const file = (version: string, ...history: string[]) =>
  [
    'models:',
    '  acme/chat:',
    `    version: ${version}`,
    ...(history.length ? ['    history:', ...history] : []),
  ].join('\n');

const BASE = file('1.2.0', entry(1, null, '1.1.0'), entry(2, '1.1.0', '1.2.0'));

describe('proposedMoves', () => {
  it('finds the environment of a desired-state file only', () => {
    expect(environmentOfPath('.gantry/environments/production.yml')).toBe('production');
    expect(environmentOfPath('.gantry/environments/nested/production.yml')).toBeUndefined();
    expect(environmentOfPath('models/chat/model.yml')).toBeUndefined();
  });

  it('reads a promotion from the version that changed, with what runs on the base', () => {
    const head = file(
      '1.3.0',
      entry(1, null, '1.1.0'),
      entry(2, '1.1.0', '1.2.0'),
      entry(3, '1.2.0', '1.3.0'),
    );
    expect(proposedMoves([{ environment: 'production', base: BASE, head }])).toEqual([
      {
        model: 'acme/chat',
        environment: 'production',
        kind: 'promote',
        version: '1.3.0',
        current: '1.2.0',
        baseSeq: 2,
        requestedBy: 'maria',
      },
    ]);
  });

  it('calls a move a rollback only when the base history says the version ran before', () => {
    const back = file(
      '1.1.0',
      entry(1, null, '1.1.0'),
      entry(2, '1.1.0', '1.2.0'),
      entry(3, '1.2.0', '1.1.0', 'rollback'),
    );
    expect(proposedMoves([{ environment: 'production', base: BASE, head: back }])[0]!.kind).toBe('rollback');
    // A head that calls a new version a rollback does not skip its gate.
    const forged = file(
      '1.4.0',
      entry(1, null, '1.1.0'),
      entry(2, '1.1.0', '1.2.0'),
      entry(3, '1.2.0', '1.4.0', 'rollback'),
    );
    expect(proposedMoves([{ environment: 'production', base: BASE, head: forged }])[0]!.kind).toBe('promote');
  });

  it('reads only what the pull request changed since its fork point, against what runs now', () => {
    const asr = (version: string) => `\n  acme/asr:\n    version: ${version}`;
    const forkPoint = `${BASE}${asr('2.0.0')}`;
    const head = `${file('1.3.0', entry(1, null, '1.1.0'), entry(2, '1.1.0', '1.2.0'), entry(3, '1.2.0', '1.3.0'))}${asr('2.0.0')}`;
    // The base branch moved acme/asr on since: the pull request lacking it does not undo it.
    const now = `${BASE}${asr('2.1.0')}`;
    const files = [{ environment: 'production', base: now, head, forkPoint: { text: forkPoint } }];
    expect(proposedMoves(files)).toMatchObject([{ model: 'acme/chat', version: '1.3.0', current: '1.2.0' }]);
    // Without the fork point, the lagging model reads as a move back.
    expect(proposedMoves([{ environment: 'production', base: now, head }]).map((m) => m.model)).toEqual([
      'acme/chat',
      'acme/asr',
    ]);
  });

  it('takes a new environment file as a first promotion and an unchanged model as no move', () => {
    expect(proposedMoves([{ environment: 'staging', head: file('1.0.0') }])).toEqual([
      { model: 'acme/chat', environment: 'staging', kind: 'promote', version: '1.0.0', baseSeq: 0 },
    ]);
    expect(proposedMoves([{ environment: 'production', base: BASE, head: `${BASE}\n` }])).toEqual([]);
  });

  it('refuses a malformed file with its path', () => {
    expect(() => proposedMoves([{ environment: 'production', base: BASE, head: 'models: [1]' }])).toThrow(
      '.gantry/environments/production.yml (head): models: ',
    );
  });
});

describe('promotionAuthor', () => {
  const move = {
    model: 'acme/chat',
    environment: 'production',
    kind: 'promote',
    version: '1.3.0',
    baseSeq: 2,
  } as const;

  it('is whoever asked the app for the pull request it opened, else the pull request author', () => {
    expect(promotionAuthor('gantry[bot]', [{ ...move, requestedBy: 'maria' }])).toBe('maria');
    expect(promotionAuthor('alice', [{ ...move, requestedBy: 'maria' }])).toBe('alice');
    expect(promotionAuthor('gantry[bot]', [move])).toBe('gantry[bot]');
  });
});

describe('promotionRules', () => {
  it('reads owners and approvals per environment, also from a manifest broken elsewhere', () => {
    const rules = promotionRules('name: acme/chat\nowners: [maria, acme/ml]\ntask: 12\n');
    expect(rules.name).toBe('acme/chat');
    expect(rules.owners).toEqual(['maria', 'acme/ml']);
    expect([rules.approvals('staging'), rules.approvals('production'), rules.approvals('eu')]).toEqual([
      0, 1, 1,
    ]);
    const two = promotionRules('name: acme/chat\nenvironments:\n  production: { approvals: 2 }\n');
    expect([two.approvals('production'), two.approvals('staging')]).toEqual([2, 1]);
  });

  it('never asks for fewer approvals when a section cannot be read', () => {
    const broken = promotionRules(
      'name: acme/chat\nowners: maria\nenvironments:\n  production: { approvals: -1 }\n',
    );
    expect(broken.owners).toEqual([]);
    expect(broken.approvals('production')).toBe(1);
    expect(promotionRules(': : :').approvals('staging')).toBe(1);
  });
});

describe('promotionCheck', () => {
  const requirement = { change: 'acme/chat 1.3.0 → production', requirement: 'approval', detail: 'a | b' };

  it('leaves a waiting promotion in progress and completes a decided one', () => {
    expect(
      promotionCheck({
        conclusion: 'pending',
        title: 'waiting',
        requirements: [{ ...requirement, state: 'waiting' }],
      }),
    ).toEqual({
      status: 'in_progress',
      title: 'waiting',
      summary: expect.stringContaining('| acme/chat 1.3.0 → production | approval | ⏳ waiting | a \\| b |'),
    });
    expect(promotionCheck({ conclusion: 'failure', title: 'x'.repeat(300), requirements: [] })).toMatchObject(
      { status: 'completed', conclusion: 'failure', title: `${'x'.repeat(254)}…` },
    );
  });
});
