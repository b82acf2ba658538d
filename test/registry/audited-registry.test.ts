import { describe, expect, it } from 'vitest';
import { GitAuditLog } from '../../core/audit/git-audit-log.js';
import { AuditedRegistry, auditTrail } from '../../core/registry/audited-registry.js';
import { GitRegistry } from '../../core/registry/git-registry.js';
import type { AuditDraft } from '../../schemas/audit-entry.js';
import { gitRepo } from '../support/git-repo.js';
import { versionDraft } from './registry-contract.js';

/** A registry over a real repository whose audit log fails the appends `failing` says. */
async function setup(failing: (draft: AuditDraft) => boolean) {
  const repo = await gitRepo();
  const sha = await repo.commit({ 'model.yml': 'name: acme/chat\n' });
  const log = new GitAuditLog(repo.dir);
  const registry = new AuditedRegistry(
    new GitRegistry(repo.dir),
    auditTrail({
      append: async (draft) => {
        if (failing(draft)) throw new Error('connection reset');
        return log.append(draft);
      },
      verify: () => log.verify(),
    }),
  );
  const events = async () => (await log.verify()).entries.map((e) => `${e.event} ${e.subject.version}`);
  return { registry, sha, events };
}

const by = { actor: 'alice' };
const promote = { model: 'acme/chat', environment: 'production', ...by };

describe('AuditedRegistry', () => {
  it('adds one entry per change, none for a repeated one', async () => {
    const { registry, sha, events } = await setup(() => false);
    for (let i = 0; i < 2; i++) {
      await registry.record(versionDraft('acme/chat', '1.0.0', sha), by);
      await registry.promote({ ...promote, version: '1.0.0' });
    }
    await registry.record(versionDraft('acme/chat', '1.1.0', sha), by);
    await registry.promote({ ...promote, version: '1.1.0' });
    await registry.rollback(promote);
    expect(await events()).toEqual([
      'version_recorded 1.0.0',
      'promoted 1.0.0',
      'version_recorded 1.1.0',
      'promoted 1.1.0',
      'rollback 1.0.0',
    ]);
  });

  it('converges when the audit entry failed after the registry changed: the retry adds the missing entry', async () => {
    let failures = 2;
    const { registry, sha, events } = await setup(() => failures-- > 0);
    const draft = versionDraft('acme/chat', '1.0.0', sha);
    await expect(registry.record(draft, by)).rejects.toThrow('connection reset');
    await expect(registry.promote({ ...promote, version: '1.0.0' })).rejects.toThrow('connection reset');
    expect(await events()).toEqual([]);
    expect((await registry.record(draft, by)).created).toBe(false);
    expect((await registry.promote({ ...promote, version: '1.0.0' })).changed).toBe(false);
    expect(await events()).toEqual(['version_recorded 1.0.0', 'promoted 1.0.0']);
    await registry.record(draft, by);
    await registry.promote({ ...promote, version: '1.0.0' });
    expect(await events()).toHaveLength(2);
  });
});
