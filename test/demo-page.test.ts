import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RIM_LINE } from '../src/app/demo/plant.js';
import { testEnvironment } from './support/bastion.js';
import { testDialect } from './support/database.js';
import { freePort } from './support/eventually.js';
import { killIfRunning, requireBuiltCli, serveProcess } from './support/serve-process.js';
import { launchPinned } from './support/browser.js';

const MACHINES = [
  `${RIM_LINE}/extrude/press-1`,
  `${RIM_LINE}/roll-weld/roller-1`,
  `${RIM_LINE}/roll-weld/welder-1`,
  `${RIM_LINE}/drill/cnc-1`,
];
/** The columns of the Performance screen's per-machine table that must all be above zero. */
const FIGURES = ['Availability', 'Performance', 'Quality', 'OEE'];

// Issue 12: a fresh `npm start` (`bastion serve --demo`) shows a moving line in the browser.
describe(`the demo in the browser, served as npm start serves it (${testDialect})`, () => {
  let cleanup: () => Promise<void>;
  let child: ChildProcess | undefined;
  let browser: Browser | undefined;
  let started: number;
  let url: string;
  let supervisor: { username: string; password: string };

  beforeAll(async () => {
    requireBuiltCli();
    const test = await testEnvironment();
    cleanup = test.cleanup;
    const port = await freePort();
    started = Date.now();
    const served = await serveProcess(
      { ...test.env, BASTION_PORT: String(port) },
      {
        args: ['serve', '--demo'],
        readyWhen: 'Demo machines of the rim line publish',
        timeoutMs: 60_000,
        stdin: 'ignore',
        spawned: (c) => (child = c),
      },
    );
    const [, username, password] = /^ {2}(\S+) +supervisor +([A-Za-z0-9]{20})$/m.exec(served.output())!;
    supervisor = { username: username!, password: password! };
    url = `https://127.0.0.1:${port}`;
    // Pin the data directory's self-signed certificate, as a plant would: the page is then a secure context.
    browser = await launchPinned(readFileSync(join(test.dataDir, 'tls', 'server.crt')));
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    killIfRunning(child);
    await cleanup?.();
  });

  it('within two minutes the supervisor’s Performance screen shows non-zero availability, performance, quality and OEE for every rim-line machine, and down time in the Pareto', async () => {
    const page = await browser!.newPage({ viewport: { width: 1366, height: 900 } });
    const exceptions: string[] = [];
    page.on('pageerror', (error) => exceptions.push(error.message));
    await page.goto(`${url}/`);
    await page.getByLabel('User name').fill(supervisor.username);
    await page.getByLabel('Password', { exact: true }).fill(supervisor.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const next = 'wheels turn on the rim line 12';
    await page.getByLabel('Current password').fill(supervisor.password);
    await page.getByLabel('New password', { exact: true }).fill(next);
    await page.getByLabel('Repeat the new password').fill(next);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Performance' }).click();
    await page.getByRole('heading', { level: 1, name: 'Performance' }).waitFor();
    // The first line of the plant is shown first: the rim line, whose machines the demo simulates.
    await page.getByRole('heading', { level: 2, name: 'Machines of Rim line' }).waitFor();

    const left = () => Math.max(1000, started + 120_000 - Date.now());
    const table = page.getByRole('table', { name: 'OEE per machine of Rim line' });
    const headers = await table.locator('thead th').allInnerTexts();
    for (const machine of MACHINES) {
      const row = table.locator('tbody tr', { hasText: machine });
      const figures = async () => {
        const cells = await row.locator('td').allInnerTexts();
        return FIGURES.map((name) => Number.parseFloat(cells[headers.indexOf(name)] ?? ''));
      };
      await expect
        .poll(figures, { timeout: left(), message: `${machine}: ${FIGURES.join(', ')}` })
        .toSatisfy((values: number[]) => values.every((v) => v > 0));
    }
    const pareto = page.getByRole('table', { name: 'Down time at Rim line by reason (Pareto)' });
    await expect
      .poll(() => pareto.locator('tbody tr td:nth-child(2)').allInnerTexts(), { timeout: left() })
      .toContainEqual(expect.stringMatching(/^[\d.]+\smin$/));
    expect(Date.now() - started).toBeLessThanOrEqual(120_000);
    expect(exceptions).toEqual([]);
  }, 150_000);
});
