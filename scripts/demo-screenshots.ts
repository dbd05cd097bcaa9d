// Screenshots of the dashboard during an `arc demo` run, for the README. The demo runs in this
// process; when it starts scoring the held-out set with the deployed fixes (learning is done, the
// server still up), Debian's Chromium, signed in with the demo's admin key, captures the pages.
//
// The run is an ordinary demo run: `--seed` and `--report` work as in `arc demo`, so the figures the
// README gives and the screenshots beside them can come from one run.
//
//   npx tsx scripts/demo-screenshots.ts [--quick] [--seed N] [--report file.json] [--out docs]

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DemoProgress, FINAL_PASS_LABEL, runDemo } from '@arc-agent/examples';
import { type Browser, chromium, type Page } from 'playwright-core';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    seed: { type: 'string' },
    report: { type: 'string' },
    out: { type: 'string', default: 'docs' },
  },
});
const out = values.out;
const PAGES = [
  { hash: '#/', file: 'dashboard-overview.png' },
  { hash: '#/curriculum', file: 'dashboard-curriculum.png' },
  { hash: '#/deployments', file: 'dashboard-deployments.png' },
];

await mkdir(out, { recursive: true });
let browser: Browser | undefined;
let page: Page | undefined;
let dashboard = '';
let capture: Promise<void> | undefined;

async function captureAll(): Promise<void> {
  for (const { hash, file } of PAGES) {
    await page!.goto(`${dashboard}${hash}`);
    // The pages fill in from the API and the stream; give the charts a moment.
    await page!.waitForTimeout(2_000);
    await page!.screenshot({ path: join(out, file), fullPage: true });
  }
}

const progress = new DemoProgress({
  isTTY: process.stderr.isTTY,
  write(text) {
    process.stderr.write(text);
    if (capture === undefined && page !== undefined && text.replace(/^\r/, '').startsWith(FINAL_PASS_LABEL)) {
      capture = captureAll();
    }
  },
});

try {
  await runDemo(
    {
      quick: values.quick,
      ...(values.seed === undefined ? {} : { seed: Number(values.seed) }),
      ...(values.report === undefined ? {} : { report: values.report }),
    },
    {
      progress,
      async onStarted({ dashboardUrl, adminKey }) {
        dashboard = dashboardUrl;
        browser = await chromium.launch({
          executablePath: '/usr/bin/chromium',
          args: [
            '--headless',
            '--no-sandbox',
            '--disable-background-networking',
            '--disable-component-update',
          ],
        });
        page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
        await page.goto(dashboardUrl);
        await page.getByLabel('API key').fill(adminKey);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.getByRole('button', { name: 'Sign out' }).waitFor();
      },
    },
  );
  if (capture === undefined) throw new Error(`the demo never printed "${FINAL_PASS_LABEL}"`);
  await capture;
  console.log(`screenshots in ${out}/: ${PAGES.map((p) => p.file).join(', ')}`);
} finally {
  await browser?.close();
}
