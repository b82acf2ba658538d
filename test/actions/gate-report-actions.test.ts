import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GateReport } from '../../schemas/gate-report.js';
import { GateVerdict } from '../../schemas/gate-verdict.js';
import { GitHubSimulator } from '../github-simulator/github-simulator.js';
import { accuracyRun, benchRuns } from '../support/results-factory.js';
import { tempDir } from '../support/temp-dir.js';
import { examplePayload, runAction } from './run-action.js';

const MANIFEST = `name: chat
version: 1.3.0
task: llm
server: { type: openai, command: [node, server.mjs] }
benchmark:
  chat: { kind: openai-chat }
evaluation:
  holdout: { evaluator: accuracy, dataset: test.jsonl }
gates:
  rules:
    - metric: ttft_ms.p95
      profile: chat
      relative: 0.1
    - metric: accuracy
      suite: holdout
      absolute: 0.02
`;

const correct = (n: number, everyWrong: number) => Array.from({ length: n }, (_, i) => i % everyWrong !== 0);

/**
 * A model folder with recorded results: the baseline's, and a candidate's that is as good, 30% slower, or
 * 8% slower in one noisy run a side (too little to decide).
 */
function workspace(candidate: 'same' | 'slower' | 'noisy') {
  const dir = tempDir('gantry-gate-action-');
  mkdirSync(join(dir, 'models/chat'), { recursive: true });
  writeFileSync(join(dir, 'models/chat/model.yml'), MANIFEST);
  writeFileSync(join(dir, 'models/chat/test.jsonl'), '{"input": "x", "expected": "y"}\n');
  const write = (folder: string, runs: unknown[]) => {
    mkdirSync(join(dir, folder), { recursive: true });
    for (const [i, r] of runs.entries())
      writeFileSync(join(dir, folder, `results-${i}.json`), JSON.stringify(r));
  };
  const runs = candidate === 'noisy' ? 1 : 5;
  const noise = candidate === 'noisy' ? 0.05 : 0.01;
  write('baseline', [
    ...benchRuns(runs, { seed: 2, noise, gpu: 'NVIDIA L4' }),
    accuracyRun(correct(400, 12)),
  ]);
  const factor = { same: 1, slower: 1.3, noisy: 1.08 }[candidate];
  write('gantry-results/cpu', [
    ...benchRuns(runs, { seed: 1, factor, noise, gpu: 'NVIDIA L4' }),
    accuracyRun(correct(400, 12)),
  ]);
  // Other records in the results folder are passed over by the gate.
  writeFileSync(join(dir, 'gantry-results/plan.json'), '{"scope": {}}');
  return dir;
}

describe('actions/gate', () => {
  it('passes an unchanged candidate and writes the verdict record and a rule table', async () => {
    const dir = workspace('same');
    const run = await runAction('gate', { cwd: dir, inputs: { model: 'models/chat', baseline: 'baseline' } });
    expect(run.stdout).not.toContain('::error');
    expect(run.code).toBe(0);
    expect(run.outputs.verdict).toBe('pass');
    const verdict = GateVerdict.parse(JSON.parse(readFileSync(run.outputs['verdict-file']!, 'utf8')));
    expect(verdict.rules.map((r) => [r.metric, r.verdict])).toEqual([
      ['ttft_ms.p95', 'pass'],
      ['accuracy', 'pass'],
    ]);
    expect(JSON.parse(run.outputs.candidate!)).toHaveLength(6);
    expect(run.summary).toContain('## Gantry gate: ✅ chat 1.3.0 passes the gate');
    expect(run.summary).toContain('| ttft_ms.p95 (chat) |');
  });

  it('fails the job on a failing verdict, saying which rule and why', async () => {
    const dir = workspace('slower');
    const run = await runAction('gate', { cwd: dir, inputs: { model: 'models/chat', baseline: 'baseline' } });
    expect(run.code).toBe(1);
    expect(run.outputs.verdict).toBe('fail');
    expect(run.stdout).toContain('::error::gate: chat 1.3.0 fails the gate (1 fail, 1 pass)');
    expect(run.summary).toMatch(/\| ttft_ms\.p95 \(chat\) \|.*\| ❌ fail \|/);
    expect(run.summary).toContain('- ttft_ms.p95 (chat):');
  });

  it('fails the job on an inconclusive verdict unless told not to', async () => {
    const dir = workspace('noisy');
    const inputs = { model: 'models/chat', baseline: 'baseline' };
    const strict = await runAction('gate', { cwd: dir, inputs });
    expect(strict.outputs.verdict).toBe('inconclusive');
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain('::error::gate: chat 1.3.0 cannot be judged yet: re-run to decide');
    const lenient = await runAction('gate', {
      cwd: dir,
      inputs: { ...inputs, 'fail-on-inconclusive': 'false' },
    });
    expect(lenient.outputs.verdict).toBe('inconclusive');
    expect(lenient.code).toBe(0);
  });

  it('gates nothing, and says so, when production has no results yet', async () => {
    const dir = workspace('same');
    const run = await runAction('gate', {
      cwd: dir,
      inputs: { model: 'models/chat', baseline: 'no-such-folder' },
    });
    expect(run.code).toBe(0);
    expect(run.outputs.verdict).toBe('none');
    expect(run.stdout).toContain('::warning::no baseline results for chat (production)');
    expect(existsSync(join(dir, 'gantry-results/verdict.json'))).toBe(false);
  });

  it('refuses a results file that is not one, naming it', async () => {
    const dir = workspace('same');
    writeFileSync(join(dir, 'broken.json'), '{"kind": "openai-chat"}');
    const run = await runAction('gate', {
      cwd: dir,
      inputs: { model: 'models/chat', candidate: 'broken.json', baseline: 'baseline' },
    });
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('::error::not a Gantry results file');
    expect(run.stdout).toContain('broken.json');
  });
});

describe('actions/report', () => {
  const simulator = new GitHubSimulator();
  const REPO = 'Codertocat/Hello-World';
  beforeAll(() => simulator.start());
  afterAll(() => simulator.stop());

  async function gated(candidate: 'same' | 'slower') {
    const dir = workspace(candidate);
    await runAction('gate', { cwd: dir, inputs: { model: 'models/chat', baseline: 'baseline' } });
    return dir;
  }

  const pullRequest = () => ({ name: 'pull_request', payload: examplePayload('pull_request', 'opened') });
  const report = (
    dir: string,
    event: { name: string; payload: Record<string, unknown> },
    token = 'ghs_token',
  ) =>
    runAction('report', {
      cwd: dir,
      event,
      inputs: {
        model: 'models/chat',
        baseline: 'baseline',
        'baseline-version': '1.2.0',
        'github-token': token,
      },
      env: { GITHUB_API_URL: simulator.url },
    });
  const commentsOf = (number: number) =>
    simulator.repository(REPO).comments.filter((c) => c.issue === number);

  it('writes the job summary, the report files and the one PR comment, then edits that comment in place', async () => {
    // A reviewer's comment that quotes the report is not the report.
    const quoted = '> <!-- gantry-report: chat -->\n> ttft got slower\n\nLooks expected to me';
    simulator.repository(REPO).comments.push({ id: 1, issue: 2, body: quoted, user: 'octocat' });
    const dir = await gated('slower');
    const first = await report(dir, pullRequest());
    expect(first.stdout).not.toContain('::error');
    expect(first.code).toBe(0);
    expect(first.summary).toContain('chat');
    expect(first.summary).toContain('1.2.0');
    expect(first.summary).toContain('fails the gate');
    // The runner hides a masked value from every later line; only the mask command itself names it.
    expect(first.stdout.replace('::add-mask::ghs_token\n', '')).not.toContain('ghs_token');
    expect(first.stdout).toContain('::add-mask::ghs_token');
    const [comment] = commentsOf(2).filter((c) => c.user !== 'octocat');
    expect(comment?.body).toMatch(/^<!-- gantry-report: chat -->/);
    expect(comment?.body).toContain('ttft_ms.p95');
    expect(first.outputs['comment-id']).toBe(String(comment?.id));
    expect(first.outputs.verdict).toBe('fail');
    expect(readFileSync(join(dir, 'gantry-results/report.md'), 'utf8')).toBe(comment?.body);
    expect(readFileSync(join(dir, 'gantry-results/report.html'), 'utf8')).toContain('<html');
    const record = GateReport.parse(
      JSON.parse(readFileSync(join(dir, 'gantry-results/gate-report.json'), 'utf8')),
    );
    expect([record.model, record.candidate_version, record.baseline_version]).toEqual([
      'chat',
      '1.3.0',
      '1.2.0',
    ]);
    expect([record.candidate.length, record.baseline.length]).toEqual([6, 6]);

    // The candidate is fixed and measured again: the same comment now says it passes.
    const fixed = await gated('same');
    const second = await report(fixed, pullRequest());
    expect(second.code).toBe(0);
    expect(second.outputs['comment-id']).toBe(first.outputs['comment-id']);
    expect(commentsOf(2)).toHaveLength(2);
    expect(commentsOf(2).find((c) => c.id === comment?.id)?.body).toContain('passes the gate');
    expect(commentsOf(2).find((c) => c.id === 1)?.body).toBe(quoted);
    expect(simulator.violations).toEqual([]);
  });

  it("keeps to the job summary on a fork's read-only token, and on a push", async () => {
    const dir = await gated('same');
    const before = commentsOf(2).length;
    simulator.fail('POST', '/repos/{owner}/{repo}/issues/{issue_number}/comments', 403);
    const pr = examplePayload('pull_request', 'opened');
    (pr.pull_request as { number: number }).number = 7;
    const forked = await report(dir, { name: 'pull_request', payload: pr });
    expect(forked.code).toBe(0);
    expect(forked.stdout).toContain('::warning::cannot comment on pull request #7 (HTTP 403)');
    expect(forked.summary).toContain('passes the gate');
    expect(forked.outputs['comment-id']).toBeUndefined();

    const push = await report(dir, { name: 'push', payload: examplePayload('push') });
    expect(push.code).toBe(0);
    expect(push.summary).toContain('passes the gate');
    expect(commentsOf(2).length + commentsOf(7).length).toBe(before);
    expect(simulator.violations).toEqual([]);
  });
});
