import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GitRegistry } from '../../core/registry/git-registry.js';
import { gitRepo } from '../support/git-repo.js';
import { registryContract, versionDraft } from './registry-contract.js';

async function fixture() {
  const repo = await gitRepo();
  let n = 0;
  return {
    repo,
    registry: new GitRegistry(repo.dir),
    commit: () => repo.commit({ 'model.yml': `name: acme/chat\nversion: 1.0.${n++}\n` }),
  };
}

registryContract('git', fixture);

const git = (dir: string, args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();
const alice = { actor: 'alice', now: new Date('2026-11-23T10:00:00.000Z') };

describe('GitRegistry', () => {
  it('tags each version on its commit, visible to git tag, without touching the working tree or index', async () => {
    const { repo, registry, commit } = await fixture();
    const sha = await commit();
    await repo.commit({ 'later.txt': 'x' });
    // A user mid-work: a staged change, an unstaged one and an untracked file.
    writeFileSync(join(repo.dir, 'later.txt'), 'staged');
    git(repo.dir, ['add', 'later.txt']);
    writeFileSync(join(repo.dir, 'later.txt'), 'unstaged');
    writeFileSync(join(repo.dir, 'untracked.txt'), 'new');
    const before = {
      status: git(repo.dir, ['status', '--porcelain']),
      head: git(repo.dir, ['rev-parse', 'HEAD']),
      staged: git(repo.dir, ['diff', '--cached']),
    };
    await registry.record(versionDraft('acme/chat', '1.0.0', sha, { verdict: 'pass' }), alice);
    await registry.promote({ model: 'acme/chat', version: '1.0.0', environment: 'production', ...alice });

    expect(git(repo.dir, ['tag', '--list'])).toBe('acme/chat@1.0.0');
    expect(git(repo.dir, ['cat-file', '-t', 'acme/chat@1.0.0'])).toBe('tag');
    expect(git(repo.dir, ['rev-parse', 'acme/chat@1.0.0^{commit}'])).toBe(sha);
    const message = git(repo.dir, ['tag', '-l', '--format=%(contents)', 'acme/chat@1.0.0']);
    expect(message).toMatch(/^acme\/chat 1\.0\.0\n\ncommit [0-9a-f]{40}\ngate: pass\nimage cpu: /);
    expect(message).toMatch(/Gantry-Record: [0-9a-f]{40}/);
    expect(git(repo.dir, ['status', '--porcelain'])).toBe(before.status);
    expect(git(repo.dir, ['rev-parse', 'HEAD'])).toBe(before.head);
    expect(git(repo.dir, ['diff', '--cached'])).toBe(before.staged);
    expect(before.status).toBe('MM later.txt\n?? untracked.txt');
    expect(git(repo.dir, ['for-each-ref', '--format=%(refname)', 'refs/gantry'])).toBe(
      ['refs/gantry/environments/production/acme/chat.history', 'refs/gantry/versions/acme/chat@1.0.0'].join(
        '\n',
      ),
    );
    expect(git(repo.dir, ['ls-tree', '--name-only', '-r', 'refs/gantry/versions/acme/chat@1.0.0'])).toContain(
      'records/bench-chat-1.json',
    );
    expect(git(repo.dir, ['fsck', '--no-dangling'])).toBe('');
  });

  it('keeps model names that git reserves (a component ending in .lock) as valid refs', async () => {
    const { repo, registry, commit } = await fixture();
    const sha = await commit();
    await registry.record(versionDraft('acme.lock/chat', '1.0.0', sha), alice);
    await registry.promote({ model: 'acme.lock/chat', version: '1.0.0', environment: 'staging', ...alice });
    expect(git(repo.dir, ['tag', '--list'])).toBe('acme%2Elock/chat@1.0.0');
    expect((await registry.list()).map((v) => v.model)).toEqual(['acme.lock/chat']);
    expect(await registry.environments()).toEqual([
      { model: 'acme.lock/chat', environment: 'staging', version: '1.0.0' },
    ]);
  });

  it('refuses a version whose commit the repository does not hold, and a tag that is not a version', async () => {
    const { repo, registry, commit } = await fixture();
    await expect(registry.record(versionDraft('acme/chat', '1.0.0', 'f'.repeat(40)), alice)).rejects.toThrow(
      /names commit f{40}, which is not in .*: fetch it, then record again/,
    );
    const sha = await commit();
    git(repo.dir, ['tag', 'acme/chat@1.0.0']);
    await expect(registry.record(versionDraft('acme/chat', '1.0.0', sha), alice)).rejects.toMatchObject({
      code: 'tag_exists',
    });
    expect(await registry.list()).toEqual([]);
  });

  it('records a version once when two writers record it at the same time', async () => {
    const { registry, commit } = await fixture();
    const sha = await commit();
    const draft = versionDraft('acme/chat', '1.0.0', sha);
    const outcomes = await Promise.all(
      [1, 2, 3, 4].map(() => new GitRegistry(registry.repoDir).record(draft, alice)),
    );
    expect(outcomes.filter((o) => o.created)).toHaveLength(1);
    expect(await registry.list()).toHaveLength(1);
  });

  it('loses no move of an environment under concurrent writers', async () => {
    const { registry, commit } = await fixture();
    const sha = await commit();
    const versions = Array.from({ length: 8 }, (_, i) => `1.${i}.0`);
    for (const version of versions) await registry.record(versionDraft('acme/chat', version, sha), alice);
    await Promise.all(
      versions.map((version) =>
        new GitRegistry(registry.repoDir).promote({
          model: 'acme/chat',
          version,
          environment: 'production',
          ...alice,
        }),
      ),
    );
    const history = await registry.history('acme/chat', 'production');
    expect(history.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(history.map((e) => e.to).sort()).toEqual(versions);
    for (const [i, entry] of history.entries()) expect(entry.from).toBe(history[i - 1]?.to ?? null);
  });

  it('finds a record whose content was changed behind its back', async () => {
    const { repo, registry, commit } = await fixture();
    const sha = await commit();
    await registry.record(versionDraft('acme/chat', '1.0.0', sha, { verdict: 'pass' }), alice);
    const ref = 'refs/gantry/versions/acme/chat@1.0.0';
    const tree = git(repo.dir, ['ls-tree', ref]);
    const records = git(repo.dir, ['ls-tree', `${ref}:records`]);
    const forged = git(repo.dir, ['hash-object', '-w', join(repo.dir, 'model.yml')]);
    const newRecords = execFileSync('git', ['mktree'], {
      cwd: repo.dir,
      input: `${records.replace(/blob [0-9a-f]{40}\tgate\.json/, `blob ${forged}\tgate.json`)}\n`,
      encoding: 'utf8',
    }).trim();
    const newTree = execFileSync('git', ['mktree'], {
      cwd: repo.dir,
      input: `${tree.replace(/tree [0-9a-f]{40}\trecords/, `tree ${newRecords}\trecords`)}\n`,
      encoding: 'utf8',
    }).trim();
    git(repo.dir, ['update-ref', ref, git(repo.dir, ['commit-tree', newTree, '-m', 'forged'])]);
    expect(readFileSync(join(repo.dir, 'model.yml'), 'utf8')).toContain('acme/chat');
    await expect(registry.records('acme/chat', '1.0.0')).rejects.toMatchObject({ code: 'record_corrupted' });
  });

  it('names a version document it cannot read instead of failing obscurely', async () => {
    const { repo, registry } = await fixture();
    const blob = execFileSync('git', ['hash-object', '-w', '--stdin'], {
      cwd: repo.dir,
      input: '{"schema_version": 9}',
      encoding: 'utf8',
    }).trim();
    const tree = execFileSync('git', ['mktree'], {
      cwd: repo.dir,
      input: `100644 blob ${blob}\tversion.json\n`,
      encoding: 'utf8',
    }).trim();
    git(repo.dir, [
      'update-ref',
      'refs/gantry/versions/acme/chat@9.0.0',
      git(repo.dir, ['commit-tree', tree, '-m', 'x']),
    ]);
    await expect(registry.list()).rejects.toMatchObject({
      code: 'registry_corrupted',
      message: expect.stringMatching(
        /^refs\/gantry\/versions\/acme\/chat@9\.0\.0:version\.json is not a Gantry model version \(schema_version: /,
      ),
    });
  });
});
