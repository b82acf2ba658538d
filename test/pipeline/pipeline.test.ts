import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GateVerdict } from '../../schemas/gate-verdict.js';
import { chatModel } from '../support/chat-model.js';
import { runCli } from '../support/run-cli.js';
import { services, serviceUnavailable } from '../support/services.js';
import { tempDir } from '../support/temp-dir.js';

const dockerSkipped = serviceUnavailable('docker', services.docker(), 'run scripts/test-env.sh as root');

describe.each([
  { target: 'process', args: ['--target', 'process'], skip: false },
  {
    target: 'docker',
    args: [
      '--target',
      'docker',
      '--base-image',
      'gantry-base/node:bookworm',
      '--registry',
      '127.0.0.1:5000/gantry-pipeline-test',
    ],
    skip: dockerSkipped,
  },
])('gantry pipeline --target $target', ({ target, args, skip }) => {
  it.skipIf(skip)(
    'records a baseline, then fails the gate on a slower version and shows the regression with its interval',
    async () => {
      const root = tempDir();
      const env = { ...process.env, GANTRY_STATE_DIR: join(root, 'state') };
      const runs = join(root, 'runs');

      const first = await runCli(['pipeline', chatModel(join(root, 'v1'), 5), '--runs', runs, ...args], {
        env,
        cwd: root,
      });
      if (target === 'docker') {
        expect(first.stderr).toMatch(/✔ build cpu image/);
        expect(first.stderr).toMatch(/✔ deploy chat-llm 1\.0\.0 to staging \(docker\)/);
      } else {
        expect(first.stderr).toMatch(/↷ build — asked for \(--target process\)/);
        expect(first.stderr).toMatch(/✔ deploy chat-llm 1\.0\.0 to staging \(/);
      }
      expect(first.stderr).toMatch(/✔ benchmark chat \(run 3\/3\)/);
      expect(first.stdout).toContain('gate: no earlier run to compare with yet');
      expect(first.code).toBe(0);

      const second = await runCli(['pipeline', chatModel(join(root, 'v2'), 9), '--runs', runs, ...args], {
        env,
        cwd: root,
      });
      expect(second.code).toBe(1);
      expect(second.stdout).toMatch(
        /output_tokens_per_s \(chat\)\s+[\d.]+\s+[\d.]+\s+-\d+\.\d% \[-\d+\.\d%, -\d+\.\d%\]\s+-10\.0%\s+FAIL/,
      );
      expect(second.stdout).toContain('gate: FAIL');
      const verdictFile = second.stdout.match(/results: (\S+)/)![1]!;
      const verdict = GateVerdict.parse(
        JSON.parse(readFileSync(join(root, verdictFile, 'verdict.json'), 'utf8')),
      );
      const throughput = verdict.rules.find((r) => r.metric === 'output_tokens_per_s')!;
      expect(throughput.change!.high).toBeLessThan(-0.2);
      expect(throughput.location?.line).toBeGreaterThan(0);
      // The PR comment is shown in the terminal and kept in the run's folder, the regression with its interval.
      const comment = second.stdout.match(/── PR comment \((\S+)\) ──/)![1]!;
      const markdown = readFileSync(join(root, comment), 'utf8');
      expect(markdown).toMatch(/^<!-- gantry-report: chat-llm -->\n## ❌ chat-llm/);
      expect(markdown).toMatch(
        /\| `output_tokens_per_s` \| [\d.]+ \| [\d.]+ \| \*\*-\d+\.\d%\*\* \[-\d+\.\d%, -\d+\.\d%\] \| -10\.0% \| ❌ fail \|/,
      );
      expect(second.stdout).toContain(markdown.trimEnd());
      expect(readFileSync(join(root, verdictFile, 'report.html'), 'utf8')).toContain('fails the gate');
      // Nothing is left running.
      expect((await runCli(['status'], { env })).stdout).not.toMatch(/healthy/);
    },
    180_000,
  );
});
