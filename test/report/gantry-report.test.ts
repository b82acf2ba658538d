import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportInput } from '../support/report-input.js';
import { runCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';

/** The fail report's files as gantry pipeline keeps them: one folder per run, named `<started>_<version>`. */
function runFolders(root: string) {
  const input = reportInput('fail');
  const write = (folder: string, results: readonly unknown[]) => {
    const dir = join(root, 'acme__chat', folder);
    mkdirSync(dir, { recursive: true });
    return results.map((r, i) => {
      const file = join(dir, `${'examples' in (r as object) ? 'eval' : 'bench'}-${i}.json`);
      writeFileSync(file, JSON.stringify(r));
      return file;
    });
  };
  for (const [i, h] of input.history!.slice(0, 2).entries())
    write(`2026-11-2${i}T10-00-00-000Z_${h.version}`, h.results);
  const baseline = write('2026-11-22T10-00-00-000Z_1.2.0', input.baseline);
  const candidate = write('2026-11-23T10-00-00-000Z_1.3.0', input.candidate);
  const verdict = join(root, 'verdict.json');
  writeFileSync(verdict, JSON.stringify(input.verdict));
  const args = ['report', '--verdict', verdict, '--candidate', ...candidate, '--baseline', ...baseline];
  return { verdict, baseline, candidate, history: join(root, 'acme__chat'), args };
}

describe('gantry report', () => {
  it('prints the PR comment with versions from the run folders and trends from the history', async () => {
    const root = tempDir();
    const f = runFolders(root);
    const run = await runCli([...f.args, '--history', f.history, '--model', 'acme/chat'], { cwd: root });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^<!-- gantry-report: acme\/chat -->\n## ❌ acme\/chat 1\.3\.0 fails the gate/,
    );
    expect(run.stdout).toContain('Compared with **1.2.0**');
    expect(run.stdout).toContain('x-axis ["1.0.0", "1.1.0", "1.2.0", "1.3.0"]');
  });

  it('appends the job summary to GITHUB_STEP_SUMMARY and links the Actions run', async () => {
    const root = tempDir();
    const f = runFolders(root);
    const summary = join(root, 'summary.md');
    writeFileSync(summary, '# earlier step\n');
    const env = {
      GITHUB_STEP_SUMMARY: summary,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: 'acme/models',
      GITHUB_RUN_ID: '7',
    };
    const run = await runCli([...f.args, '--format', 'job-summary'], { cwd: root, env });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    const text = readFileSync(summary, 'utf8');
    expect(text.startsWith('# earlier step\n## ❌ chat 1.3.0 fails the gate')).toBe(true);
    expect(text).not.toContain('<!-- gantry-report');
    expect(text).toContain('[Full report](https://github.com/acme/models/actions/runs/7)');
  });

  it('writes the check run as GitHub takes it, and the HTML report to a file', async () => {
    const root = tempDir();
    const f = runFolders(root);
    const check = await runCli([...f.args, '--format', 'check-run'], { cwd: root });
    const body = JSON.parse(check.stdout);
    expect(body).toMatchObject({ name: 'gantry/gate', conclusion: 'failure', more_annotations: [] });
    expect(body.output.annotations.map((a: { start_line: number }) => a.start_line)).toEqual([
      12, 15, 18, 24,
    ]);
    const html = await runCli([...f.args, '--format', 'html', '--out', 'report.html'], { cwd: root });
    expect(html.code).toBe(0);
    expect(readFileSync(join(root, 'report.html'), 'utf8')).toContain('<svg');
  });

  it('refuses a verdict that is not one, naming the file and field', async () => {
    const root = tempDir();
    const f = runFolders(root);
    writeFileSync(f.verdict, JSON.stringify({ schema_version: 1, verdict: 'maybe' }));
    const run = await runCli(
      ['report', '--verdict', 'verdict.json', '--candidate', ...f.candidate, '--baseline', ...f.baseline],
      { cwd: root },
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^gantry: verdict\.json: verdict: /);
  });
});
