import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { htmlReport } from '../../core/report/html-report.js';
import { reportInput } from '../support/report-input.js';
import { services, serviceUnavailable } from '../support/services.js';
import { tempDir } from '../support/temp-dir.js';

const skip = serviceUnavailable('chromium', services.chromium(), 'run scripts/test-env.sh as root');

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('HTML report', () => {
  it('is self-contained: no script, stylesheet, font or image is fetched', () => {
    const html = htmlReport(reportInput('fail'));
    expect(html).not.toMatch(/<script|<link|@import|@font-face|url\(|src=/i);
    expect(html).toContain('<svg');
  });

  it.skipIf(skip)(
    'renders in headless Chromium with its charts and verdict, without console errors',
    async () => {
      const dir = process.env.GANTRY_REPORT_SCREENSHOT_DIR ?? tempDir();
      const file = join(dir, 'report.html');
      writeFileSync(file, htmlReport(reportInput('fail')));
      const browser = await chromium.launch({
        executablePath: '/usr/bin/chromium',
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
        ],
      });
      try {
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        const problems: string[] = [];
        page.on('console', (m) => {
          if (m.type() === 'error') problems.push(m.text());
        });
        page.on('pageerror', (e) => problems.push(e.message));
        page.on('request', (r) => {
          if (!r.url().startsWith('file:')) problems.push(`fetched ${r.url()}`);
        });
        await page.goto(`file://${file}`);
        await expect(page.locator('h1').innerText()).resolves.toContain('acme/chat 1.3.0 fails the gate');
        expect(await page.locator('.badge').innerText()).toBe('FAIL');
        expect(await page.locator('svg.chart').count()).toBeGreaterThanOrEqual(3);
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
