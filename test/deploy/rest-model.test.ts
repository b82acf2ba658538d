import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../core/deploy/free-port.js';
import { DeploymentRecord } from '../../schemas/deployment-record.js';
import { EvalResults } from '../../schemas/eval-results.js';
import { CHURN_INSTANCE } from '../support/churn-instance.js';
import { runCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';

const example = resolve('examples/tabular-rest');

/** The model's accuracy on its test set, computed in Python without Gantry: the truth eval must match. */
function directAccuracy(): number {
  const script = [
    'import json, sys',
    `sys.path.insert(0, ${JSON.stringify(example)})`,
    'from model import Model',
    'm = Model()',
    `rows = [json.loads(l) for l in open(${JSON.stringify(join(example, 'data/test.jsonl'))}) if l.strip()]`,
    'print(sum(m.predict(r["input"]["instance"])["label"] == r["label"] for r in rows) / len(rows))',
  ].join('\n');
  return Number(execFileSync('python3', ['-c', script], { encoding: 'utf8' }));
}

describe('a rest model served as a process', () => {
  it("answers through Gantry's REST server and scores the accuracy the model really has", async () => {
    const env = { ...process.env, GANTRY_STATE_DIR: join(tempDir(), 'state') };
    const port = await freePort();
    const deployed = await runCli(
      ['deploy', example, '--env', 'staging', '--port', String(port), '--format', 'json'],
      { env },
    );
    expect(deployed.code).toBe(0);
    const record = DeploymentRecord.parse(JSON.parse(deployed.stdout));
    try {
      const instance = CHURN_INSTANCE;
      const answer = await (
        await fetch(`${record.url}/predict`, { method: 'POST', body: JSON.stringify({ instance }) })
      ).json();
      expect(answer).toMatchObject({
        model: { name: 'tabular-rest', version: '1.0.0' },
        prediction: { label: 'churn' },
      });
      const invalid = await fetch(`${record.url}/predict`, {
        method: 'POST',
        body: JSON.stringify({ instance: { ...instance, contract: 'weekly' } }),
      });
      expect(invalid.status).toBe(400);

      const run = await runCli(
        [
          'eval',
          '--endpoint',
          record.url,
          '--manifest',
          join(example, 'model.yml'),
          '--suite',
          'churn-test',
          '--format',
          'json',
        ],
        { env },
      );
      expect(run.code).toBe(0);
      const results = EvalResults.parse(JSON.parse(run.stdout));
      expect(results.metrics.failed).toBe(0);
      expect(results.metrics.accuracy).toBeCloseTo(directAccuracy(), 10);
      expect(results.metrics.accuracy).toBeGreaterThan(0.8);
    } finally {
      await runCli(['stop', 'tabular-rest'], { env });
    }
  }, 60_000);
});
