import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GitAuditLog } from '../core/audit/git-audit-log.js';
import { runCli } from './support/run-cli.js';
import { tempDir } from './support/temp-dir.js';

function repository(): string {
  const dir = tempDir('gantry-audit-');
  execFileSync('git', ['init', '-q'], { cwd: dir });
  return dir;
}

const draft = (i: number) => ({
  time: `2026-11-23T10:00:${String(i).padStart(2, '0')}.000Z`,
  actor: 'alice',
  event: 'gate_verdict' as const,
  subject: { model: 'acme/chat', version: `1.0.${i}` },
  after: { verdict: i % 2 ? 'pass' : 'fail' },
});

/** Rewrites the log on the audit branch as a forger with write access would: a new commit, same branch. */
function forge(dir: string, edit: (lines: string[]) => string[]): void {
  const text = execFileSync('git', ['show', 'gantry-audit:audit.jsonl'], { cwd: dir, encoding: 'utf8' });
  const forged = `${edit(text.trimEnd().split('\n')).join('\n')}\n`;
  const git = (args: string[], input?: string) =>
    execFileSync('git', args, {
      cwd: dir,
      input,
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'm',
        GIT_AUTHOR_EMAIL: 'm@x',
        GIT_COMMITTER_NAME: 'm',
        GIT_COMMITTER_EMAIL: 'm@x',
      },
    }).trim();
  const blob = git(['hash-object', '-w', '--stdin'], forged);
  const tree = git(['mktree'], `100644 blob ${blob}\taudit.jsonl\n`);
  git([
    'update-ref',
    'refs/heads/gantry-audit',
    git(['commit-tree', tree, '-p', 'gantry-audit', '-m', 'tidy up']),
  ]);
}

async function withEntries(count: number): Promise<string> {
  const dir = repository();
  const log = new GitAuditLog(dir);
  for (let i = 1; i <= count; i++) await log.append(draft(i));
  return dir;
}

describe('the audit log', () => {
  it('loses no entry under concurrent writers: each append retries on a moved branch', async () => {
    const dir = repository();
    const log = new GitAuditLog(dir);
    await Promise.all(Array.from({ length: 15 }, (_, i) => log.append(draft(i + 1))));
    const verdict = await log.verify();
    expect(verdict.ok).toBe(true);
    expect(verdict.entries.map((e) => e.seq)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    expect(new Set(verdict.entries.map((e) => e.subject.version)).size).toBe(15);
    // The working tree and the checked-out branch are never touched.
    expect(execFileSync('git', ['status', '--porcelain'], { cwd: dir, encoding: 'utf8' })).toBe('');
  });

  it('verifies an intact log and exports it as JSON and CSV', async () => {
    const dir = await withEntries(3);
    const ok = await runCli(['audit', 'verify', '--repo', dir]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^audit log intact: 3 entries, last [a-f0-9]{64}\n$/);
    const json = JSON.parse((await runCli(['audit', 'export', '--repo', dir])).stdout) as { seq: number }[];
    expect(json.map((e) => e.seq)).toEqual([1, 2, 3]);
    const csv = (await runCli(['audit', 'export', '--repo', dir, '--format', 'csv'])).stdout
      .trim()
      .split('\n');
    expect(csv[0]).toBe(
      'seq,time,actor,event,model,version,environment,pull_request,run,release,delivery,before,after,prev,hash',
    );
    expect(csv[2]).toMatch(
      /^2,2026-11-23T10:00:02\.000Z,alice,gate_verdict,acme\/chat,1\.0\.2,,,,,,,"{""verdict"":""fail""}",[a-f0-9]{64},[a-f0-9]{64}$/,
    );
  });

  it.each([
    [
      'an edited entry',
      (l: string[]) => l.map((line, i) => (i === 1 ? line.replace('"fail"', '"pass"') : line)),
      2,
      'the entry was edited',
    ],
    [
      'a removed entry',
      (l: string[]) => l.filter((_, i) => i !== 1),
      2,
      'an entry was removed, inserted or moved',
    ],
    [
      'reordered entries',
      (l: string[]) => [l[0]!, l[2]!, l[1]!, l[3]!],
      2,
      'an entry was removed, inserted or moved',
    ],
    [
      'a truncated last line',
      (l: string[]) => [...l.slice(0, 3), l[3]!.slice(0, 40)],
      4,
      'not a complete JSON entry',
    ],
  ])('names the first bad entry after %s', async (_, edit, line, reason) => {
    const dir = await withEntries(4);
    forge(dir, edit);
    const run = await runCli(['audit', 'verify', '--repo', dir]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`audit log broken at entry ${line}: `);
    expect(run.stdout).toContain(reason);
    // Nothing more can be appended to a broken log.
    await expect(new GitAuditLog(dir).append(draft(9))).rejects.toThrow('nothing was appended');
  });

  it('catches entries cut off the end with an anchor recorded elsewhere', async () => {
    const dir = await withEntries(4);
    const last = (await new GitAuditLog(dir).verify()).entries.at(-1)!.hash;
    forge(dir, (l) => l.slice(0, 2));
    expect((await runCli(['audit', 'verify', '--repo', dir])).code).toBe(0);
    const anchored = await runCli(['audit', 'verify', '--repo', dir, '--anchor', last]);
    expect(anchored.code).toBe(1);
    expect(anchored.stdout).toContain('entries were cut off its end');
  });

  it('records an entry from the command line', async () => {
    const dir = repository();
    const run = await runCli([
      'audit',
      'record',
      '--repo',
      dir,
      '--event',
      'promotion_merged',
      '--model',
      'acme/chat',
      '--version',
      '1.2.0',
      '--environment',
      'production',
      '--actor',
      'bob',
    ]);
    expect(run.stdout).toMatch(/^recorded entry 1: [a-f0-9]{64}\n$/);
    const [entry] = (await new GitAuditLog(dir).verify()).entries;
    expect(entry).toMatchObject({
      actor: 'bob',
      event: 'promotion_merged',
      subject: { environment: 'production' },
    });
  });

  it('records the new state from a JSON file, and names a file that is not JSON', async () => {
    const dir = repository();
    const record = (after: string) =>
      runCli(
        [
          'audit',
          'record',
          '--repo',
          dir,
          '--event',
          'gate_verdict',
          '--model',
          'acme/chat',
          '--after',
          after,
        ],
        {
          cwd: dir,
        },
      );
    writeFileSync(join(dir, 'verdict.json'), '{"verdict":"pass"}');
    expect((await record('verdict.json')).code).toBe(0);
    expect((await new GitAuditLog(dir).verify()).entries[0]?.after).toEqual({ verdict: 'pass' });
    writeFileSync(join(dir, 'broken.json'), '{"verdict":');
    const broken = await record('broken.json');
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^gantry: broken\.json: cannot read the new state \(/m);
    expect(broken.stderr).not.toMatch(/\n\s+at /);
  });
});
