import { describe, expect, it } from 'vitest';
import { checkRunWrite, commentWrite, gateCheck, withRunLine } from '../../core/app/gate-check.js';
import { readResultsArtifact } from '../../core/app/read-results-artifact.js';
import { artifactZip, gateReport } from './results-fixtures.js';

describe('readResultsArtifact', () => {
  it('reads every gate-report.json at any depth, and names each problem by file and field', () => {
    const pass = gateReport('pass');
    const read = readResultsArtifact(
      artifactZip({
        'gate-report.json': pass,
        'models/asr/gate-report.json': { ...pass, model: '' },
        'models/chat/notes.txt': 'not a report',
      }),
    );
    expect(read.reports.map((r) => r.path)).toEqual(['gate-report.json']);
    expect(read.problems).toEqual([
      'models/asr/gate-report.json: model: Too small: expected string to have >=1 characters',
    ]);
  });

  it('says so when the archive is not a zip or holds no report', () => {
    expect(readResultsArtifact(new TextEncoder().encode('<html>')).problems[0]).toMatch(
      /^the artifact is not a readable zip archive/,
    );
    expect(readResultsArtifact(artifactZip({ 'report.md': '# hi' })).problems).toEqual([
      'the artifact holds no gate-report.json: upload one per model (see docs/app.md)',
    ]);
  });
});

describe('the gantry/gate check of several models', () => {
  it('takes the worst conclusion and keeps every model and annotation', () => {
    const fail = { ...gateReport('fail'), model: 'acme/asr' };
    const check = gateCheck([gateReport('pass'), fail], 'https://github.com/acme/models/actions/runs/1');
    expect(check.conclusion).toBe('failure');
    expect(check.title).toMatch(/^2 models: ❌ acme\/asr 1\.3\.0: fail .*; ✅ acme\/chat 1\.3\.0: pass/);
    expect(check.summary.indexOf('## ✅ acme/chat')).toBeGreaterThan(-1);
    expect(check.summary.indexOf('## ❌ acme/asr')).toBeGreaterThan(-1);
    expect(check.annotations.length).toBeGreaterThan(0);
    expect(Buffer.byteLength(check.summary)).toBeLessThanOrEqual(65_535);
  });
});

describe('checkRunWrite', () => {
  it('writes nothing for a run already written or older, completes a waiting run, and otherwise creates one', () => {
    const done = { id: 1, status: 'completed', external_id: 'workflow-run:7:2' };
    expect(checkRunWrite([done], { run: 7, attempt: 2 })).toEqual({ kind: 'skip' });
    expect(checkRunWrite([done], { run: 7, attempt: 1 })).toEqual({ kind: 'skip' });
    expect(checkRunWrite([done], { run: 6, attempt: 3 })).toEqual({ kind: 'skip' });
    expect(checkRunWrite([done], { run: 7, attempt: 3 })).toEqual({ kind: 'create' });
    expect(checkRunWrite([done], { run: 8, attempt: 1 })).toEqual({ kind: 'create' });
    expect(
      checkRunWrite([{ id: 2, status: 'queued', external_id: 'rerun:x' }], { run: 8, attempt: 1 }),
    ).toEqual({
      kind: 'update',
      id: 2,
    });
    expect(checkRunWrite([], { run: 8, attempt: 1 })).toEqual({ kind: 'create' });
  });
});

describe('commentWrite', () => {
  it('creates a missing comment, updates an older run’s, and leaves the same or a later run’s', () => {
    const key = { run: 7, attempt: 2 };
    const body = withRunLine('results', key);
    expect(commentWrite(undefined, body, key)).toEqual({ kind: 'create' });
    expect(commentWrite({ id: 1, body }, body, key)).toEqual({ kind: 'skip' });
    const later = withRunLine('newer results', { run: 8, attempt: 1 });
    expect(commentWrite({ id: 1, body: later }, body, key)).toEqual({ kind: 'skip' });
    const older = withRunLine('older results', { run: 7, attempt: 1 });
    expect(commentWrite({ id: 1, body: older }, body, key)).toEqual({ kind: 'update', id: 1 });
  });
});
