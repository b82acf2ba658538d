import { describe, expect, it } from 'vitest';
import { authorizeCommand } from '../../core/commands/authorize-command.js';
import { environmentChange } from '../../core/commands/environment-change.js';
import { formatCommand, parseCommand } from '../../core/commands/parse-command.js';

const LEAST = { benchmark: 'write', promote: 'maintain' } as const;

describe('parseCommand', () => {
  it('reads each command and its arguments from the first command line', () => {
    expect(parseCommand('/benchmark')).toEqual({ kind: 'benchmark' });
    expect(parseCommand('Slow?\n  /benchmark chat  \n/gate rerun')).toEqual({
      kind: 'benchmark',
      profile: 'chat',
    });
    expect(parseCommand('/gate rerun')).toEqual({ kind: 'gate-rerun' });
    expect(parseCommand('/promote acme/chat@1.3.0 production')).toEqual({
      kind: 'promote',
      model: 'acme/chat',
      version: '1.3.0',
      environment: 'production',
    });
    expect(parseCommand('/rollback chat staging')).toEqual({
      kind: 'rollback',
      model: 'chat',
      environment: 'staging',
    });
  });

  it('names what is wrong with a command, with its usage', () => {
    expect(parseCommand('/promote acme/chat@1.3.0')).toEqual({
      kind: 'invalid',
      command: 'promote',
      message: 'name the version and the environment; usage: `/promote MODEL@VERSION ENVIRONMENT`',
    });
    expect(parseCommand('/promote acme/chat production')).toMatchObject({
      message: expect.stringContaining('"acme/chat" is not MODEL@VERSION'),
    });
    expect(parseCommand('/promote acme/chat@v2 production')).toMatchObject({
      message: expect.stringContaining('"v2" is not a semantic version'),
    });
    expect(parseCommand('/rollback acme/chat Production!')).toMatchObject({
      message: expect.stringContaining('"Production!" is not an environment name'),
    });
    expect(parseCommand('/benchmark a b')).toMatchObject({ kind: 'invalid', command: 'benchmark' });
    expect(parseCommand('/gate')).toMatchObject({ kind: 'invalid', command: 'gate' });
  });

  it('writes a parsed command back as it would be typed', () => {
    for (const text of [
      '/benchmark',
      '/benchmark chat',
      '/gate rerun',
      '/promote acme/chat@1.3.0 production',
      '/rollback chat staging',
    ]) {
      const parsed = parseCommand(text);
      expect(parsed && parsed.kind !== 'invalid' ? formatCommand(parsed) : undefined).toBe(text);
    }
  });

  it('ignores other commands, quotes and code blocks', () => {
    expect(parseCommand('/label bug')).toBeUndefined();
    expect(parseCommand('> /benchmark\n```\n/gate rerun\n```')).toBeUndefined();
    expect(parseCommand('run /benchmark please')).toBeUndefined();
  });
});

describe('authorizeCommand', () => {
  const benchmark = { kind: 'benchmark' } as const;
  const promote = { kind: 'promote', model: 'm', version: '1.0.0', environment: 'production' } as const;

  it('needs write for benchmarks and maintain for promotions, by role', () => {
    expect(authorizeCommand(benchmark, { role_name: 'write', permission: 'write' }, LEAST)).toEqual({
      allowed: true,
      role: 'write',
    });
    expect(authorizeCommand(promote, { role_name: 'write', permission: 'write' }, LEAST)).toMatchObject({
      allowed: false,
    });
    expect(authorizeCommand(promote, { role_name: 'maintain', permission: 'write' }, LEAST)).toMatchObject({
      allowed: true,
    });
    expect(authorizeCommand(benchmark, { role_name: 'triage', permission: 'read' }, LEAST)).toMatchObject({
      allowed: false,
    });
  });

  it('counts a custom role as its base permission, and a failed lookup as a refusal', () => {
    expect(
      authorizeCommand(promote, { role_name: 'release-manager', permission: 'write' }, LEAST),
    ).toMatchObject({
      allowed: false,
    });
    expect(
      authorizeCommand(benchmark, { role_name: 'release-manager', permission: 'write' }, LEAST),
    ).toMatchObject({
      allowed: true,
    });
    expect(authorizeCommand(benchmark, { role_name: 'odd', permission: 'none' }, LEAST)).toMatchObject({
      allowed: false,
    });
    expect(authorizeCommand(promote, { error: 'GitHub answered 502' }, LEAST)).toEqual({
      allowed: false,
      reason: 'your permission on this repository could not be checked (GitHub answered 502)',
    });
  });
});

describe('environmentChange', () => {
  const by = { actor: 'maria', now: new Date('2026-11-23T10:00:00Z'), note: 'asked in #1' };

  it('promotes onto the history, and rolls back along it rather than to the newest other version', () => {
    const first = environmentChange(
      undefined,
      { kind: 'promote', model: 'acme/chat', version: '1.0.0', environment: 'prod' },
      by,
    );
    expect(first).toMatchObject({
      path: '.gantry/environments/prod.yml',
      branch: 'gantry/promote/prod/acme-chat-1.0.0',
    });
    const second = environmentChange(
      first.text,
      { kind: 'promote', model: 'acme/chat', version: '2.0.0', environment: 'prod' },
      by,
    );
    const third = environmentChange(
      second.text,
      { kind: 'promote', model: 'acme/chat', version: '1.5.0', environment: 'prod' },
      by,
    );
    const back = environmentChange(
      third.text,
      { kind: 'rollback', model: 'acme/chat', environment: 'prod' },
      by,
    );
    expect(back.entry).toMatchObject({
      seq: 4,
      from: '1.5.0',
      to: '2.0.0',
      reason: 'rollback',
      actor: 'maria',
    });
    const again = environmentChange(
      back.text,
      { kind: 'rollback', model: 'acme/chat', environment: 'prod' },
      by,
    );
    expect(again.entry.to).toBe('1.0.0');
  });

  it('refuses what would change nothing and files it cannot read', () => {
    const first = environmentChange(
      undefined,
      { kind: 'promote', model: 'm', version: '1.0.0', environment: 'prod' },
      by,
    );
    expect(() =>
      environmentChange(
        first.text,
        { kind: 'promote', model: 'm', version: '1.0.0', environment: 'prod' },
        by,
      ),
    ).toThrow('m@1.0.0 already runs in prod: nothing to promote');
    expect(() =>
      environmentChange(first.text, { kind: 'rollback', model: 'm', environment: 'prod' }, by),
    ).toThrow('has run only 1.0.0');
    expect(() =>
      environmentChange('models: 3\n', { kind: 'rollback', model: 'm', environment: 'prod' }, by),
    ).toThrow('.gantry/environments/prod.yml: models:');
  });
});
