import { describe, expect, it } from 'vitest';
import { SUMMARY_BYTES } from '../../core/checks/manifest-check.js';
import { commentMarker, prComment } from '../../core/report/pr-comment.js';
import type { ReportInput } from '../../core/report/report-input.js';
import { reportInput } from '../support/report-input.js';

/** Markdown that GitHub renders as meant: closed fences and details, and table rows as wide as their header. */
function expectWellFormed(markdown: string): void {
  const lines = markdown.split('\n');
  expect(lines.filter((l) => l.startsWith('```')).length % 2).toBe(0);
  expect(markdown.match(/<details>/g)?.length ?? 0).toBe(markdown.match(/<\/details>/g)?.length ?? 0);
  let columns: number | undefined;
  for (const line of lines) {
    if (!line.startsWith('|')) {
      columns = undefined;
      continue;
    }
    expect(line.endsWith('|')).toBe(true);
    const cells = line.replaceAll('\\|', '').split('|').length;
    columns ??= cells;
    expect(cells).toBe(columns);
  }
}

describe('PR comment', () => {
  it.each(['pass', 'fail', 'inconclusive'] as const)('reads as reviewed for a %s', async (kind) => {
    const markdown = prComment(reportInput(kind));
    expect(markdown.startsWith(`${commentMarker('acme/chat')}\n`)).toBe(true);
    expectWellFormed(markdown);
    await expect(markdown).toMatchFileSnapshot(`../fixtures/reports/${kind}.md`);
  });

  it('stays within 65,535 bytes with thousands of rules, cut between whole rows, saying so', () => {
    const input = reportInput('fail');
    const rules = Array.from({ length: 4000 }, (_, i) => {
      const rule = input.verdict.rules[i % 4]!;
      return {
        ...rule,
        profile: `chat-${Math.floor(i / 4)}`,
        reason: `${rule.reason} — ✓ 多字节 ${'·'.repeat(i % 7)}`,
      };
    });
    const huge: ReportInput = { ...input, verdict: { ...input.verdict, rules } };
    const markdown = prComment(huge);
    const bytes = Buffer.byteLength(markdown);
    expect(bytes).toBeLessThanOrEqual(SUMMARY_BYTES);
    expect(bytes).toBeGreaterThan(SUMMARY_BYTES - 2_000);
    expect(markdown.startsWith(commentMarker('acme/chat'))).toBe(true);
    expect(markdown).toMatch(
      /> Cut to fit GitHub's limit of 65,535 bytes: \d+ of 4000 rules shown; \[the full report\]\(https:\/\/github\.com\/acme\/models\/actions\/runs\/42\) has every rule\./,
    );
    expect(markdown).toContain('</details>');
    expect(markdown).not.toContain('\uFFFD');
    expectWellFormed(markdown);
  });

  it('keeps the failing rule when passing ones must be cut', () => {
    const input = reportInput('pass');
    const passing = input.verdict.rules[0]!;
    const rules = Array.from({ length: 3000 }, (_, i) => ({ ...passing, profile: `chat-${i}` }));
    rules.push({ ...passing, profile: 'chat-last', verdict: 'fail', reason: 'clearly worse' });
    const markdown = prComment({ ...input, verdict: { ...input.verdict, verdict: 'fail', rules } });
    expect(Buffer.byteLength(markdown)).toBeLessThanOrEqual(SUMMARY_BYTES);
    expect(markdown).toContain('### chat-last · performance');
    expect(markdown).toContain('- ❌ **`ttft_ms.p95`** (chat-last): clearly worse.');
    expect(markdown).toMatch(/: \d+ of 3001 rules shown/);
    expectWellFormed(markdown);
  });
});
