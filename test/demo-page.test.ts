import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RIM_LINE } from '../src/app/demo/plant.js';
import { testEnvironment } from './support/bastion.js';
import { testDialect } from './support/database.js';
import { eventually, freePort } from './support/eventually.js';
import { killIfRunning, requireBuiltCli, serveProcess } from './support/serve-process.js';
import { launchPinned } from './support/browser.js';

/** The little of the DOM these checks touch (this file is type-checked without the DOM library). */
interface PageGlobals {
  document: { getElementById(id: string): { src: string; complete: boolean; naturalWidth: number } | null };
  fetch(url: string): Promise<{ text(): Promise<string> }>;
}

const MACHINES = [
  `${RIM_LINE}/extrude/press-1`,
  `${RIM_LINE}/roll-weld/roller-1`,
  `${RIM_LINE}/roll-weld/welder-1`,
  `${RIM_LINE}/drill/cnc-1`,
];

/**
 * Watches a chart of the page as a person would: each time the page draws it anew (on a choice, or its own
 * refresh every 15 s) and the image has loaded, the SVG it shows is fetched once, as the page fetched it.
 * Polling the page costs no request; the server's rate limit (600 a minute) only sees the page's own.
 */
function watch(page: Page, id: string) {
  let seen = '';
  let svg = '';
  return async (): Promise<string> => {
    const src = await page.evaluate((imageId: string) => {
      const img = (globalThis as unknown as PageGlobals).document.getElementById(imageId);
      return img !== null && img.complete && img.naturalWidth > 0 ? img.src : '';
    }, id);
    if (src === '' || src === seen) return svg;
    seen = src;
    svg = await page.evaluate(
      async (url: string) => (await (globalThis as unknown as PageGlobals).fetch(url)).text(),
      src,
    );
    return svg;
  };
}

/** The percentages written over the OEE chart's bars: availability, performance, quality, OEE ("n/a": NaN). */
const figuresIn = (svg: string) =>
  [...svg.matchAll(/>(n\/a|[\d.]+ %)</g)].map((m) => (m[1] === 'n/a' ? Number.NaN : Number.parseFloat(m[1]!)));

// Issue 12: a fresh `npm start` (`bastion serve --demo`) shows a moving line in the browser page.
describe(`the demo in the browser page, served as npm start serves it (${testDialect})`, () => {
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

  it('within two minutes every rim-line machine’s OEE chart shows non-zero figures, and the Pareto shows down time', async () => {
    const page = await browser!.newPage();
    const exceptions: string[] = [];
    page.on('pageerror', (error) => exceptions.push(error.message));
    await page.goto(`${url}/`);
    await page.fill('#login-form input[name=username]', supervisor.username);
    await page.fill('#login-form input[name=password]', supervisor.password);
    await page.click('#login-form button');
    await page.waitForSelector('#password-form', { state: 'visible' });
    await page.fill('#password-form input[name=newPassword]', 'wheels turn on the rim line 12');
    await page.click('#password-form button');
    await page.waitForSelector('#dashboard', { state: 'visible', timeout: 10_000 });

    const left = () => Math.max(1000, started + 120_000 - Date.now());
    const shown: Record<string, number[]> = {};
    const oeeChart = watch(page, 'oee-chart');
    for (const machine of MACHINES) {
      await page.selectOption('#equipment', machine);
      const look = async () => {
        const chart = await oeeChart();
        return chart.includes(`OEE of ${machine}`) ? figuresIn(chart) : [];
      };
      shown[machine] = await eventually(look, (f) => f.length === 4 && f.every((v) => v > 0), left());
      expect(shown[machine], machine).toHaveLength(4);
      expect(
        shown[machine].every((v) => v > 0),
        `${machine}: ${shown[machine].join(', ')}`,
      ).toBe(true);
    }
    await page.selectOption('#equipment', RIM_LINE);
    const paretoChart = watch(page, 'pareto-chart');
    const bars = async () => {
      const chart = await paretoChart();
      return chart.includes(`Down time at ${RIM_LINE}<`) ? (chart.match(/>[\d.]+ min</g) ?? []) : [];
    };
    expect((await eventually(bars, (found) => found.length > 0, left())).length).toBeGreaterThan(0);
    expect(Date.now() - started).toBeLessThanOrEqual(120_000);
    expect(exceptions).toEqual([]);
  }, 150_000);
});
