import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { htmlReport } from '../../core/report/html-report.js';
import type { ReportInput } from '../../core/report/report-input.js';
import type { BenchSweep } from '../../schemas/bench-results.js';
import { headlessChromium, PNG_SIGNATURE, pageProblems } from '../support/headless-chromium.js';
import { reportInput } from '../support/report-input.js';
import { services, serviceUnavailable } from '../support/services.js';
import { tempDir } from '../support/temp-dir.js';

const skip = serviceUnavailable('chromium', services.chromium(), 'run scripts/test-env.sh as root');

/** A sweep whose server saturates at `capacity` requests/s; SLOs hold up to 80% of it. */
function sweep(capacity: number): BenchSweep {
  const rates = [2, 4, 8, 16, 32, 24, 20];
  const knee = Math.max(...rates.filter((r) => r <= capacity * 0.8));
  return {
    knee_rate: knee,
    failing_rate: Math.min(...rates.filter((r) => r > knee)),
    stopped: 'bisected to within 10%',
    reported_step: rates.indexOf(knee),
    steps: rates.map((rate) => {
      const served = Math.min(rate, capacity) * 0.98;
      return {
        offered_rate: rate,
        requests_per_s: served,
        goodput_per_s: rate <= knee ? served * 0.99 : served * 0.5,
        slo_attainment: rate <= knee ? 0.99 : 0.5,
        completed: 200,
        failed: 0,
        met: rate <= knee,
        percentiles: { ttft_ms: { p50: 50, p90: 80, p99: 120 } },
      };
    }),
  };
}

/** The failing report, its first run of each side from a rate sweep. */
function sweepInput(): ReportInput {
  const input = reportInput('fail');
  const withSweep = (results: ReportInput['candidate'], capacity: number) =>
    results.map((r, i) => (i === 0 && r.kind !== 'evaluation' ? { ...r, sweep: sweep(capacity) } : r));
  return { ...input, candidate: withSweep(input.candidate, 18), baseline: withSweep(input.baseline, 26) };
}

describe('HTML report', () => {
  it('is self-contained: no script, stylesheet, font or image is fetched', () => {
    const html = htmlReport(sweepInput());
    expect(html).not.toMatch(/<script|<link|@import|@font-face|url\(|src=/i);
    expect(html).toContain('<svg');
  });

  it('draws throughput against offered rate only when a sweep ran', () => {
    expect(htmlReport(sweepInput())).toContain('throughput against offered rate');
    expect(htmlReport(sweepInput())).toContain('candidate knee: 8/s');
    expect(htmlReport(reportInput('fail'))).not.toContain('offered rate');
  });

  it.skipIf(skip)(
    'renders in headless Chromium with its charts and verdict, without console errors',
    async () => {
      const dir = process.env.GANTRY_REPORT_SCREENSHOT_DIR ?? tempDir();
      const file = join(dir, 'report.html');
      writeFileSync(file, htmlReport(sweepInput()));
      const browser = await headlessChromium();
      try {
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        const problems = pageProblems(page);
        await page.goto(`file://${file}`);
        await expect(page.locator('h1').innerText()).resolves.toContain('acme/chat 1.3.0 fails the gate');
        expect(await page.locator('.badge').innerText()).toBe('FAIL');
        expect(await page.locator('svg.chart').count()).toBeGreaterThanOrEqual(4);
        expect(await page.getByText('throughput against offered rate').count()).toBe(1);
        const box = await page.locator('svg.chart').first().boundingBox();
        expect(box!.width).toBeGreaterThan(300);
        const shot = await page.screenshot({ path: join(dir, 'report.png'), fullPage: true });
        expect(shot.length).toBeGreaterThan(10_000);
        expect(shot.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
        expect(problems).toEqual([]);
      } finally {
        await browser.close();
      }
    },
    60_000,
  );
});
