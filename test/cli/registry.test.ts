import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GitAuditLog } from '../../core/audit/git-audit-log.js';
import { ModelVersion } from '../../schemas/model-version.js';
import { buildRecord, gateVerdict } from '../registry/registry-contract.js';
import { gitRepo } from '../support/git-repo.js';
import { benchRun } from '../support/results-factory.js';
import { runCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';

/** A model repository holding chat-llm at `version`, committed, with one pipeline run of it. */
async function modelRepo() {
  const repo = await gitRepo();
  cpSync('examples/chat-llm', join(repo.dir, 'chat-llm'), { recursive: true });
  const manifest = join(repo.dir, 'chat-llm', 'model.yml');
  const release = async (version: string, verdict: 'pass' | 'fail' = 'pass') => {
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace(/^version: .*$/m, `version: ${version}`));
    const sha = await repo.commit({}, `chat-llm ${version}`);
    const run = join(
      repo.dir,
      '.gantry',
      'runs',
      'chat-llm',
      `2026-11-23T10-00-0${version.at(-3)}-000Z_${version}`,
    );
    mkdirSync(run, { recursive: true });
    for (const seed of [1, 2])
      writeFileSync(join(run, `bench-chat-${seed}.json`), JSON.stringify(benchRun({ seed, requests: 10 })));
    writeFileSync(join(run, 'verdict.json'), JSON.stringify(gateVerdict(verdict)));
    return { sha, run };
  };
  writeFileSync(join(repo.dir, '.gitignore'), '.gantry/\n');
  return { repo, release };
}

const as = (actor: string) => ({ env: { GITHUB_ACTOR: actor } });

describe('gantry registry', () => {
  it('records the newest pipeline run, lists and shows the version, and refuses a different second recording', async () => {
    const { repo, release } = await modelRepo();
    const { sha } = await release('1.0.0');
    const build = join(repo.dir, 'build-cpu.json');
    writeFileSync(build, JSON.stringify(buildRecord('chat-llm', '1.0.0')));
    const recordArgs = [
      'registry',
      'record',
      'chat-llm',
      '--build',
      build,
      '--metadata',
      'dataset=holdout-v2',
      '--metadata',
      'rows=300',
    ];

    const recorded = await runCli(recordArgs, { cwd: repo.dir, ...as('alice') });
    expect(recorded.stderr).toBe('');
    expect(recorded.stdout).toBe(
      `recorded chat-llm@1.0.0: commit ${sha.slice(0, 12)}, 5 records, gate pass\n`,
    );
    expect(recorded.code).toBe(0);
    expect(execFileSync('git', ['tag'], { cwd: repo.dir, encoding: 'utf8' })).toBe('chat-llm@1.0.0\n');

    const again = await runCli(recordArgs, {
      cwd: repo.dir,
      ...as('bob'),
    });
    expect(again).toMatchObject({
      code: 0,
      stdout: 'chat-llm@1.0.0 is already recorded with the same content: nothing changed\n',
    });
    const different = await runCli(['registry', 'record', 'chat-llm'], { cwd: repo.dir, ...as('bob') });
    expect(different.code).toBe(1);
    expect(different.stderr).toMatch(
      /^gantry: chat-llm@1\.0\.0 is already recorded \(by alice at .*\) with different images, records, metadata: a version is recorded once; bump the version in model.yml\n$/,
    );

    const list = await runCli(['registry', 'list'], { cwd: join(repo.dir, 'chat-llm') });
    expect(list.stdout.split('\n')[0]).toMatch(
      /^MODEL\s+VERSION\s+STATE\s+ENVIRONMENTS\s+GATE\s+COMMIT\s+RECORDED$/,
    );
    expect(list.stdout.split('\n')[1]).toMatch(
      new RegExp(
        `^chat-llm\\s+1\\.0\\.0\\s+candidate\\s+-\\s+pass\\s+${sha.slice(0, 12)}\\s+\\d{4}-.* by alice$`,
      ),
    );

    const show = await runCli(['registry', 'show', 'chat-llm@1.0.0', '--format', 'json', '--repo', repo.dir]);
    const version = ModelVersion.parse(JSON.parse(show.stdout));
    expect(version).toMatchObject({
      git_sha: sha,
      metadata: { dataset: 'holdout-v2', rows: 300 },
      images: { cpu: { digest: `sha256:${'2'.repeat(64)}` } },
      lineage: { run_id: expect.stringMatching(/^\.gantry\/runs\/chat-llm\/.*_1\.0\.0$/) },
    });
    expect(version.records.map((r) => r.name)).toEqual([
      'model.yml',
      'build-cpu.json',
      'bench-chat-1.json',
      'bench-chat-2.json',
      'gate.json',
    ]);
    const text = await runCli(['registry', 'show', 'chat-llm', '--repo', repo.dir]);
    expect(text.stdout).toMatch(
      /^chat-llm 1\.0\.0 {2}\(candidate\)\ncommit: {3}[0-9a-f]{40}\ngate: {5}pass\n/,
    );
    expect(text.stdout).toContain('  cpu: 127.0.0.1:5000/chat-llm@sha256:2222');
    const unknown = await runCli(['registry', 'show', 'chat-llm@9.0.0', '--repo', repo.dir]);
    expect(unknown).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/chat-llm@9\.0\.0 is not recorded/),
    });
  });

  it('promotes, rolls back along the history, and writes every change to the audit log', async () => {
    const { repo, release } = await modelRepo();
    for (const version of ['1.0.0', '1.1.0', '1.2.0']) {
      await release(version);
      expect((await runCli(['registry', 'record', 'chat-llm'], { cwd: repo.dir, ...as('ci') })).code).toBe(0);
    }
    await release('1.3.0', 'fail');
    expect((await runCli(['registry', 'record', 'chat-llm'], { cwd: repo.dir, ...as('ci') })).code).toBe(0);

    const promote = (spec: string, ...extra: string[]) =>
      runCli(['registry', 'promote', spec, '--env', 'production', ...extra], {
        cwd: repo.dir,
        ...as('alice'),
      });
    expect((await promote('chat-llm@1.0.0')).stdout).toBe(
      'production: chat-llm (none) -> 1.0.0 (promoted by alice)\n',
    );
    expect((await promote('chat-llm@1.2.0')).stdout).toBe(
      'production: chat-llm 1.0.0 -> 1.2.0 (promoted by alice)\n',
    );
    expect((await promote('chat-llm@1.2.0')).stdout).toBe(
      'production already runs chat-llm 1.2.0: nothing changed\n',
    );
    const failed = await promote('chat-llm@1.3.0');
    expect(failed).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/did not pass its gate \(verdict: fail\)/),
    });
    expect((await promote('chat-llm@1.3.0', '--force')).stderr).toMatch(/--force needs a --note/);
    expect((await promote('chat-llm@4.0.0')).stderr).toMatch(
      /chat-llm@4\.0\.0 is not recorded in the registry/,
    );
    expect((await promote('chat-llm')).stderr).toMatch(/names no version: write MODEL@VERSION/);
    expect((await promote('chat-llm@1.1.0')).code).toBe(0);

    const rollback = await runCli(
      ['registry', 'rollback', 'chat-llm', '--env', 'production', '--note', 'p99 doubled'],
      {
        cwd: repo.dir,
        ...as('bob'),
      },
    );
    expect(rollback.stdout).toBe('production: chat-llm 1.1.0 -> 1.2.0 (rolled back by bob)\n');
    // A retried job rolling back the deploy of 1.1.0 again finds it rolled back already.
    const again = await runCli(
      ['registry', 'rollback', 'chat-llm', '--env', 'production', '--from', '1.1.0'],
      {
        cwd: repo.dir,
        ...as('bob'),
      },
    );
    expect([again.code, again.stdout]).toEqual([
      0,
      'production runs chat-llm 1.2.0, not 1.1.0: nothing rolled back\n',
    ]);

    const history = await runCli(['registry', 'history', 'chat-llm', '--env', 'production'], {
      cwd: repo.dir,
    });
    const rows = history.stdout.trimEnd().split('\n');
    expect(rows[0]).toMatch(/^#\s+TIME\s+ACTION\s+FROM\s+TO\s+BY\s+NOTE$/);
    expect(rows.slice(1).map((r) => r.split(/\s{2,}/).slice(2))).toEqual([
      ['promote', '-', '1.0.0', 'alice'],
      ['promote', '1.0.0', '1.2.0', 'alice'],
      ['promote', '1.2.0', '1.1.0', 'alice'],
      ['rollback', '1.1.0', '1.2.0', 'bob', 'p99 doubled'],
    ]);
    const released = await runCli(['registry', 'list', '--state', 'released', '--format', 'json'], {
      cwd: repo.dir,
    });
    expect(JSON.parse(released.stdout).map((v: ModelVersion) => [v.version, v.environments])).toEqual([
      ['1.2.0', ['production']],
    ]);
    expect(
      (await runCli(['registry', 'history', 'chat-llm', '--env', 'staging'], { cwd: repo.dir })).stdout,
    ).toBe('chat-llm was never promoted to staging\n');

    const audit = await new GitAuditLog(repo.dir).verify();
    expect(audit.ok).toBe(true);
    expect(audit.entries.map((e) => [e.event, e.actor, e.subject.version, e.subject.environment])).toEqual([
      ['version_recorded', 'ci', '1.0.0', undefined],
      ['version_recorded', 'ci', '1.1.0', undefined],
      ['version_recorded', 'ci', '1.2.0', undefined],
      ['version_recorded', 'ci', '1.3.0', undefined],
      ['promoted', 'alice', '1.0.0', 'production'],
      ['promoted', 'alice', '1.2.0', 'production'],
      ['promoted', 'alice', '1.1.0', 'production'],
      ['rollback', 'bob', '1.2.0', 'production'],
    ]);
    expect(audit.entries.at(-1)).toMatchObject({
      before: { version: '1.1.0' },
      after: { note: 'p99 doubled' },
    });
  });

  it('keeps the lineage of a version measured by a workflow run', async () => {
    const { repo, release } = await modelRepo();
    await release('1.0.0');
    const env = {
      GITHUB_RUN_ID: '888',
      GITHUB_REPOSITORY: 'acme/models',
      GITHUB_SERVER_URL: 'https://ghe.example',
    };
    await runCli(['registry', 'record', 'chat-llm'], { cwd: repo.dir, env });
    await release('1.1.0');
    const url = 'https://github.com/acme/models/actions/runs/777';
    await runCli(['registry', 'record', 'chat-llm', '--run-url', url], { cwd: repo.dir, env });
    const lineage = async (version: string) =>
      JSON.parse(
        (await runCli(['registry', 'show', `chat-llm@${version}`, '--format', 'json'], { cwd: repo.dir }))
          .stdout,
      ).lineage;
    expect(await lineage('1.0.0')).toEqual({
      run_id: '888',
      run_url: 'https://ghe.example/acme/models/actions/runs/888',
    });
    expect(await lineage('1.1.0')).toEqual({ run_id: '777', run_url: url });
  });

  it('says what to do when there is no run of the version to record', async () => {
    const { repo, release } = await modelRepo();
    await release('1.0.0');
    writeFileSync(
      join(repo.dir, 'chat-llm', 'model.yml'),
      readFileSync(join(repo.dir, 'chat-llm', 'model.yml'), 'utf8').replace(
        'version: 1.0.0',
        'version: 1.1.0',
      ),
    );
    const stale = await runCli(['registry', 'record', 'chat-llm'], { cwd: repo.dir });
    expect(stale).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/newest run of chat-llm measured 1\.0\.0, but model.yml says 1\.1\.0/),
    });
    const none = await runCli(['registry', 'record', 'chat-llm', '--runs', 'elsewhere'], { cwd: repo.dir });
    expect(none.stderr).toMatch(
      /no pipeline run of chat-llm in elsewhere: run gantry pipeline chat-llm first/,
    );
    const notARun = await runCli(['registry', 'record', 'chat-llm', '--run', '.gantry/runs/chat-llm'], {
      cwd: repo.dir,
    });
    expect(notARun.stderr).toMatch(/holds no results .* is it a pipeline run folder\?/);
    const run = join('.gantry/runs/chat-llm', readdirSync(join(repo.dir, '.gantry/runs/chat-llm'))[0]!);
    const badCommit = await runCli(['registry', 'record', 'chat-llm', '--run', run, '--commit', 'nope'], {
      cwd: repo.dir,
    });
    expect(badCommit.stderr).toMatch(/"nope" is not a commit of .*: give --commit a commit id or branch/);
    const outside = await runCli(['registry', 'list'], { cwd: tempDir() });
    expect(outside).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/is not a git repository: the registry lives in the model's repository/),
    });
  });
});
