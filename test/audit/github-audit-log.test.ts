import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitHubAuditLog } from '../../core/audit/github-audit-log.js';
import { GitHubSimulator } from '../github-simulator/github-simulator.js';
import { simulatorOctokit } from '../github-simulator/simulator-octokit.js';
import { runCli } from '../support/run-cli.js';

let simulator: GitHubSimulator;

beforeAll(async () => {
  simulator = new GitHubSimulator();
  await simulator.start();
}, 30_000);

afterAll(() => simulator.stop());

let repos = 0;

function repository() {
  const name = `audited-${++repos}`;
  return {
    name,
    full: `acme/${name}`,
    log: () =>
      new GitHubAuditLog({
        octokit: simulatorOctokit(simulator.url),
        owner: 'acme',
        repo: name,
      }),
  };
}

const draft = (i: number) => ({
  time: `2026-11-23T10:00:${String(i % 60).padStart(2, '0')}.000Z`,
  actor: 'alice',
  event: 'gate_verdict' as const,
  subject: { model: 'acme/chat', version: `1.0.${i}` },
  after: { verdict: i % 2 ? 'pass' : 'fail' },
});

/** The log as it is on the simulated branch. */
function logText(full: string): string {
  const git = simulator.repository(full);
  return git.commits.get(git.branches.get('gantry-audit')!)!.get('audit.jsonl')!;
}

describe('the audit log through the Git Data API', () => {
  it('appends hash-chained entries as commits on gantry-audit, each moving the branch without force', async () => {
    const { full, log } = repository();
    const first = await log().append(draft(1));
    const second = await log().append(draft(2));
    expect(second).toMatchObject({ seq: 2, prev: first.hash });
    const lines = logText(full).trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l).hash)).toEqual([first.hash, second.hash]);
    const git = simulator.repository(full);
    const head = git.commitInfo.get(git.branches.get('gantry-audit')!)!;
    expect(head.message).toBe('audit 2: gate_verdict acme/chat@1.0.2');
    expect(git.commitInfo.get(head.parents[0]!)!.parents).toEqual([]);
    expect(await log().verify()).toMatchObject({ ok: true, entries: [{ seq: 1 }, { seq: 2 }] });
    expect(simulator.violations).toEqual([]);
  });

  it('loses no entry under concurrent writers: a moved branch is refused and the entry chained again', async () => {
    const { full, log } = repository();
    await log().append(draft(0));
    const before = simulator.calls.length;
    await Promise.all(Array.from({ length: 10 }, (_, i) => log().append(draft(i + 1))));
    const verdict = await log().verify();
    expect(verdict.ok).toBe(true);
    expect(verdict.entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(verdict.entries.map((e) => e.subject.version).sort()).toEqual(
      Array.from({ length: 11 }, (_, i) => `1.0.${i}`).sort(),
    );
    const refused = simulator.calls
      .slice(before)
      .filter(
        (c) =>
          c.method === 'PATCH' && decodeURIComponent(c.path) === `/repos/${full}/git/refs/heads/gantry-audit`,
      );
    expect(refused.filter((c) => c.status === 422).length).toBeGreaterThan(0);
    expect(refused.filter((c) => c.status === 200)).toHaveLength(10);
    expect(simulator.violations).toEqual([]);
  });

  it('two writers creating the branch at once: one creates it, the other chains on top', async () => {
    const { log } = repository();
    await Promise.all([log().append(draft(1)), log().append(draft(2))]);
    expect((await log().verify()).entries.map((e) => e.seq)).toEqual([1, 2]);
  });

  it('gantry audit verify --github proves the log intact, and names the first entry edited behind its back', async () => {
    const { full, log } = repository();
    for (let i = 1; i <= 3; i++) await log().append(draft(i));
    const env = { GITHUB_TOKEN: 'ghs_test', GITHUB_API_URL: simulator.url };
    const intact = await runCli(['audit', 'verify', '--github', full], { env });
    expect(intact).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^audit log intact: 3 entries, last [0-9a-f]{64}/),
    });

    const exported = await runCli(['audit', 'export', '--github', full, '--format', 'csv'], { env });
    expect(exported.stdout.trimEnd().split('\n')).toHaveLength(4);

    // A forger with write access rewrites the log in a new commit on the branch.
    const lines = logText(full).trimEnd().split('\n');
    lines[1] = lines[1]!.replace('"fail"', '"pass"');
    simulator.commit(full, { 'audit.jsonl': `${lines.join('\n')}\n` }, { branch: 'gantry-audit' });
    const broken = await runCli(['audit', 'verify', '--github', full], { env });
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/^audit log broken at entry 2: its content does not match its hash/);
    await expect(log().append(draft(4))).rejects.toMatchObject({ code: 'audit_broken' });

    const bad = await runCli(['audit', 'verify', '--github', 'acme'], { env });
    expect(bad.stderr).toMatch(/--github takes OWNER\/REPO, not "acme"/);
    expect(simulator.violations).toEqual([]);
  });
});
