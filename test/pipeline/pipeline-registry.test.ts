import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GitAuditLog } from '../../core/audit/git-audit-log.js';
import { GitRegistry } from '../../core/registry/git-registry.js';
import { chatModel } from '../support/chat-model.js';
import { gitRepo } from '../support/git-repo.js';
import { runCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';

describe('gantry pipeline with the registry', () => {
  it('records each version, gates the next against production in the registry, and records the verdict', async () => {
    const repo = await gitRepo();
    const state = tempDir();
    const env = { ...process.env, GANTRY_STATE_DIR: join(state, 'state'), GITHUB_ACTOR: 'ci' };
    const pipeline = () =>
      runCli(['pipeline', 'chat-llm', '--runs', join(state, 'runs')], { env, cwd: repo.dir });
    const registry = new GitRegistry(repo.dir);

    chatModel(repo.dir, 5);
    const first = await repo.commit({}, 'chat-llm 1.0.0');
    const v1 = await pipeline();
    expect(v1.stderr).toMatch(/✔ record chat-llm@1\.0\.0 in the registry/);
    expect(v1.stdout).toContain('recorded: chat-llm@1.0.0 in the registry');
    expect(v1.code).toBe(0);
    expect(await registry.get('chat-llm', '1.0.0')).toMatchObject({ git_sha: first, gate: null });
    expect((await registry.records('chat-llm', '1.0.0')).bench).toHaveLength(3);
    expect(
      (await runCli(['registry', 'promote', 'chat-llm@1.0.0', '--env', 'production'], { env, cwd: repo.dir }))
        .code,
    ).toBe(0);

    // The baseline is what runs in production, as the registry says, not merely the previous run.
    chatModel(repo.dir, 9, '1.1.0');
    const second = await repo.commit({}, 'chat-llm 1.1.0');
    const v2 = await pipeline();
    expect(v2.stderr).toMatch(/✔ gate against 1\.0\.0 \(production in the registry\)/);
    expect(v2.stdout).toContain('against 1.0.0 (production in the registry):');
    // Slower by 80% per token: fail, or inconclusive when a loaded machine saturates the client.
    const verdict = v2.stdout.match(/gate: (FAIL|inconclusive)/)?.[1]?.toLowerCase();
    expect(v2.code).toBe(verdict === 'fail' ? 1 : 3);
    expect(await registry.get('chat-llm', '1.1.0')).toMatchObject({
      git_sha: second,
      gate: { verdict, against: '1.0.0' },
      state: 'candidate',
    });
    const refused = await runCli(['registry', 'promote', 'chat-llm@1.1.0', '--env', 'production'], {
      env,
      cwd: repo.dir,
    });
    expect(refused.stderr).toContain(`did not pass its gate (verdict: ${verdict} against 1.0.0)`);

    // A re-run of a version already recorded, and a folder with uncommitted changes: measured, not recorded.
    writeFileSync(join(repo.dir, 'chat-llm', 'README.md'), 'changed\n');
    const dirty = await pipeline();
    expect(dirty.stderr).toMatch(
      /↷ record in the registry — chat-llm has uncommitted changes: commit them to record chat-llm@1\.1\.0/,
    );
    await repo.commit({}, 'readme');
    const rerun = await pipeline();
    expect(rerun.stderr).toMatch(
      /↷ record in the registry — chat-llm@1\.1\.0 is already recorded with other results: bump the version/,
    );
    expect((await registry.list()).map((v) => v.version)).toEqual(['1.0.0', '1.1.0']);
    expect((await new GitAuditLog(repo.dir).verify()).entries.map((e) => e.event)).toEqual([
      'version_recorded',
      'promoted',
      'version_recorded',
    ]);
  }, 240_000);
});
