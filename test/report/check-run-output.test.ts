import { describe, expect, it } from 'vitest';
import { ANNOTATIONS_PER_REQUEST, SUMMARY_BYTES } from '../../core/checks/manifest-check.js';
import { annotationBatches, checkRunOutput } from '../../core/report/check-run-output.js';
import { RULE_LINES, reportInput } from '../support/report-input.js';

describe('check run output', () => {
  it('annotates the model.yml line of each failing and inconclusive rule', () => {
    const output = checkRunOutput(reportInput('fail'));
    expect(output.conclusion).toBe('failure');
    expect(output.title).toBe('❌ acme/chat 1.3.0: fail (3 fail, 1 inconclusive, 1 pass)');
    expect(output.summary).toContain('| `ttft_ms.p95` | 70.78 | 90.44 |');
    expect(output.text).toMatch(/^\*\*Why\*\*/);
    expect(output.annotations.map((a) => [a.start_line, a.annotation_level])).toEqual([
      [RULE_LINES[0], 'failure'],
      [RULE_LINES[1], 'failure'],
      [RULE_LINES[2], 'failure'],
      [RULE_LINES[4], 'warning'],
    ]);
    expect(output.annotations[0]).toMatchObject({
      path: 'models/chat/model.yml',
      end_line: RULE_LINES[0],
      start_column: 7,
      title: 'ttft_ms.p95 (chat): fail (change +27.8% [+13.0%, +44.5%], limit +10.0%)',
    });
    expect(output.annotations[0]!.message).toMatch(/clearly worse, and beyond the limit of \+10\.0%/);
  });

  it('passes with no annotations, asks for a re-run when inconclusive, and names files from the repository root', () => {
    expect(checkRunOutput(reportInput('pass'))).toMatchObject({ conclusion: 'success', annotations: [] });
    const input = reportInput('inconclusive');
    for (const rule of input.verdict.rules)
      if (rule.location) rule.location = { ...rule.location, file: `/repo/${rule.location.file}` };
    const output = checkRunOutput(input, { root: '/repo' });
    expect(output.conclusion).toBe('action_required');
    expect(output.annotations.length).toBe(3);
    expect(output.annotations.every((a) => a.path === 'models/chat/model.yml')).toBe(true);
    expect(output.annotations[0]!.message).toMatch(/more runs per side would likely decide it/);
  });

  it('keeps the summary and the text each within the byte limit of a check run', () => {
    const input = reportInput('fail');
    const rules = Array.from({ length: 3000 }, (_, i) => ({
      ...input.verdict.rules[i % 4]!,
      profile: `chat-${Math.floor(i / 4)}`,
    }));
    const output = checkRunOutput({ ...input, verdict: { ...input.verdict, rules } });
    expect(Buffer.byteLength(output.summary)).toBeLessThanOrEqual(SUMMARY_BYTES);
    expect(Buffer.byteLength(output.text)).toBeLessThanOrEqual(SUMMARY_BYTES);
    expect(output.summary).toMatch(/rules shown/);
    expect(output.annotations.length).toBe(2250);
  });

  it('sends annotations in batches GitHub takes', () => {
    const one = checkRunOutput(reportInput('fail')).annotations[0]!;
    const batches = annotationBatches(Array.from({ length: 120 }, () => one));
    expect(batches.map((b) => b.length)).toEqual([ANNOTATIONS_PER_REQUEST, ANNOTATIONS_PER_REQUEST, 20]);
  });
});
