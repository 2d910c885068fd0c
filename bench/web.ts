import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { cli } from '../test/support/cli.js';
import { signIn, startDemoPlant, watchedPage, type DemoPlant } from '../test/support/e2e.js';

/**
 * The web application's budgets (issue 13), in Debian's Chromium against the demo plant served over HTTPS:
 * 1. initial JavaScript of a screen, gzipped (what a terminal downloads before it can be used);
 * 2. time until a screen is interactive, against the sign-in page measured in the same run;
 * 3. paging through 10,000 work orders: click → next page shown, against the bare API call for that page.
 */
const ORDERS = 10_000;
const LOADS = Number(process.env.BASTION_BENCH_LOADS ?? 7);
const PAGES = Number(process.env.BASTION_BENCH_PAGES ?? 30);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.95) - 1)]!;
const kB = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;
const ms = (x: number) => `${x.toFixed(0)} ms`;

interface Screen {
  name: string;
  /** Opens the screen in `page` (already signed in where needed) and resolves once a person can use it. */
  open(page: Page): Promise<void>;
  /** Signs in first (outside the measured part), if the screen needs it. */
  prepare?(page: Page): Promise<void>;
}

/** The JavaScript a screen's first load fetched: raw and gzipped bytes, and the files. */
async function initialScript(plant: DemoPlant, screen: Screen): Promise<{ raw: number; gzip: number; files: number }> {
  const { page, context } = await watchedPage(plant, { width: 1280, height: 800 });
  try {
    await screen.prepare?.(page);
    const scripts = new Map<string, Promise<Buffer>>();
    // A new page in the same context: nothing of the app in its memory, the cookie kept.
    const fresh = await context.newPage();
    fresh.on('response', (response) => {
      if (response.request().resourceType() === 'script') scripts.set(response.url(), response.body());
    });
    await screen.open(fresh);
    const bodies = await Promise.all(scripts.values());
    return {
      raw: bodies.reduce((n, b) => n + b.length, 0),
      gzip: bodies.reduce((n, b) => n + gzipSync(b, { level: 9 }).length, 0),
      files: bodies.length,
    };
  } finally {
    await context.close();
  }
}

/** Milliseconds from navigation until the screen is usable, over LOADS loads (HTTP cache on, as at a terminal). */
async function timeToInteractive(plant: DemoPlant, screen: Screen): Promise<number[]> {
  const { page, context } = await watchedPage(plant, { width: 1280, height: 800 });
  try {
    await screen.prepare?.(page);
    await screen.open(page); // warms the HTTP cache once, as every load after a terminal's first
    const times: number[] = [];
    for (let i = 0; i < LOADS; i++) {
      await page.goto('about:blank');
      const started = performance.now();
      await screen.open(page);
      times.push(performance.now() - started);
    }
    return times;
  } finally {
    await context.close();
  }
}

async function withTenThousandOrders(env: Record<string, string>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bastion-bench-orders-'));
  try {
    const file = join(dir, 'orders.json');
    const orders = Array.from({ length: ORDERS }, (_, i) => ({
      number: `BENCH-${String(i).padStart(6, '0')}`,
      product: i % 2 === 0 ? 'RIM-700C' : 'WHEEL-700C',
      quantity: 10 + (i % 90),
      due: new Date(Date.UTC(2027, 0, 1) + i * 60_000).toISOString(),
    }));
    writeFileSync(file, JSON.stringify({ source: 'BENCH-ERP', orders }));
    const imported = await cli(['orders', 'import', file], env);
    if (imported.code !== 0) throw new Error(`orders import failed: ${imported.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Clicks "Next" PAGES times; each: click → the page counter moved and the table shows the new rows. */
async function pageThroughOrders(plant: DemoPlant): Promise<{ ui: number[]; api: number[]; rows: number }> {
  const { page, context } = await watchedPage(plant);
  try {
    await signIn(plant, page, 'supervisor');
    await page.goto(`${plant.url}/orders`);
    const table = page.getByRole('table').first();
    await table.waitFor();
    const ui: number[] = [];
    for (let i = 0; i < PAGES; i++) {
      const counter = await page.getByText(/^Page \d+$/).innerText();
      const firstRow = await table.locator('tbody tr').first().innerText();
      const started = performance.now();
      await page.getByRole('button', { name: 'Next' }).click();
      await page.waitForFunction(
        ([before, row]) => {
          const doc = (
            globalThis as unknown as {
              document: { body: { innerText: string }; querySelector(s: string): { textContent: string } | null };
            }
          ).document;
          const shown = doc.querySelector('tbody tr')?.textContent ?? '';
          return !doc.body.innerText.includes(before) && shown !== '' && !shown.includes(row.split('\t')[0]!);
        },
        [counter, firstRow] as const,
      );
      ui.push(performance.now() - started);
    }
    // The bare API: the same pages fetched by the page itself (same TLS, cookie, server), no rendering.
    const api = await page.evaluate(async (pages: number) => {
      const times: number[] = [];
      let cursor: string | undefined;
      for (let i = 0; i <= pages; i++) {
        const started = performance.now();
        const url = `/api/orders${cursor === undefined ? '' : `?cursor=${encodeURIComponent(cursor)}`}`;
        const answer = (await (await fetch(url, { credentials: 'same-origin' })).json()) as { nextCursor?: string };
        if (i > 0) times.push(performance.now() - started);
        cursor = answer.nextCursor ?? undefined;
      }
      return times;
    }, PAGES);
    const rows = await table.locator('tbody tr').count();
    return { ui, api, rows };
  } finally {
    await context.close();
  }
}

export const SCREENS = {
  signIn: {
    name: 'sign-in page',
    open: async (page: Page) => {
      await page.goto(`${currentUrl}/`);
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
    },
  },
} satisfies Record<string, Screen>;
let currentUrl = '';

export async function run(): Promise<void> {
  console.log(`Web bench: Node ${process.version}, ${cpus().length} CPUs, load average ${loadavg()[0]!.toFixed(2)}`);
  console.log(`Seeding the demo plant and ${ORDERS.toLocaleString('en-US')} work orders (bastion orders import)…`);
  const plant = await startDemoPlant({}, withTenThousandOrders);
  currentUrl = plant.url;
  try {
    const { operatorScreen } = await import('./web/operator.js');
    const screens: Screen[] = [SCREENS.signIn, operatorScreen(plant)];
    console.log('\n1. Initial JavaScript (gzip -9 of every script the first load fetched)');
    const sizes: Record<string, number> = {};
    for (const screen of screens) {
      const size = await initialScript(plant, screen);
      sizes[screen.name] = size.gzip;
      console.log(
        `  ${screen.name.padEnd(22)} ${kB(size.gzip).padStart(9)} gzipped (${kB(size.raw)} raw, ${size.files} files)`,
      );
    }
    console.log(`\n2. Time to interactive, ${LOADS} loads each (median / p95)`);
    const interactive: Record<string, number> = {};
    for (const screen of screens) {
      const times = await timeToInteractive(plant, screen);
      interactive[screen.name] = median(times);
      console.log(`  ${screen.name.padEnd(22)} ${ms(median(times)).padStart(7)} / ${ms(p95(times))}`);
    }
    const base = interactive[SCREENS.signIn.name]!;
    for (const screen of screens.slice(1))
      console.log(`  ${screen.name}: ${(interactive[screen.name]! / base).toFixed(2)}× the sign-in page`);
    console.log(`\n3. ${ORDERS.toLocaleString('en-US')} work orders, ${PAGES} × "Next" (median / p95)`);
    const orders = await pageThroughOrders(plant);
    console.log(
      `  click → next page shown   ${ms(median(orders.ui)).padStart(7)} / ${ms(p95(orders.ui))} (${orders.rows} rows a page)`,
    );
    console.log(`  bare API call for a page  ${ms(median(orders.api)).padStart(7)} / ${ms(p95(orders.api))}`);
    console.log(`  ratio                     ${(median(orders.ui) / median(orders.api)).toFixed(2)}×`);
    console.log(
      JSON.stringify({
        bench: 'web',
        initialScriptGzip: sizes,
        interactiveMedianMs: interactive,
        orders: {
          count: ORDERS,
          pageMedianMs: median(orders.ui),
          pageP95Ms: p95(orders.ui),
          apiMedianMs: median(orders.api),
        },
      }),
    );
  } finally {
    await plant.stop();
  }
}
