import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  pageApi,
  accessibilityViolations,
  screenshot,
  signIn,
  startDemoPlant,
  watchedPage,
  type DemoPlant,
} from '../support/e2e.js';

// The demo's aluminium billet lot goes into the rim profile, then the rims, then the wheel (src/app/demo/orders.ts).
const BILLET = 'L-ALU-0001';
const WHEEL = 'W-2002-01';

interface TraceAnswer {
  lots: { number: string }[];
  withheld: number;
}

/** A GET from inside the page: the browser's own session cookie and its pinned certificate. */
const fetchInPage = async (page: Page, url: string) => {
  const { status, text } = await pageApi(page, 'GET', url);
  return { status, body: text };
};

/** The trace as the API answers it to this page's own session (the same cookie, the same scopes). */
async function apiTrace(page: Page, lot: string, direction: string): Promise<TraceAnswer> {
  const response = await fetchInPage(page, `/api/lots/${lot}/trace?direction=${direction}`);
  expect(response.status).toBe(200);
  return JSON.parse(response.body) as TraceAnswer;
}

/** The lots the graph draws, by the lot number each box carries. */
const graphLots = (page: Page) =>
  page.locator('.react-flow__node [data-lot]').evaluateAll((boxes) => boxes.map((b) => b.getAttribute('data-lot')));

/** The lots the accessible table lists (the first column's buttons). */
const tableLots = (page: Page, caption: RegExp) =>
  page.getByRole('table', { name: caption }).locator('tbody tr td:first-child').allInnerTexts();

const sorted = (values: (string | null)[]) => [...values].sort();

// Each test signs in and walks several screens in a real browser; on a shared, busy machine that takes minutes.
const SLOW = 240_000;

describe('traceability and the audit log in the browser', () => {
  let plant: DemoPlant;
  beforeAll(async () => {
    plant = await startDemoPlant();
  });
  afterAll(async () => {
    await plant?.stop();
  });

  it(
    "a forward trace of the billet lot shows in the graph and the table exactly the lots the API's forward trace returns, its CSV link downloads that recall list, and tracing backward from the wheel lot shows the API's backward lots",
    async () => {
      const { page, problems } = await watchedPage(plant);
      await signIn(plant, page, 'quality');
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Traceability' }).click();
      await page.getByRole('combobox', { name: 'Lot number' }).fill('L-ALU');
      await page.getByRole('option', { name: new RegExp(`^${BILLET}`) }).click();
      await page.getByRole('radio', { name: /Forward/ }).check();
      await page.getByRole('button', { name: 'Trace', exact: true }).click();
      await page.getByRole('heading', { name: `Forward trace of ${BILLET}` }).waitFor();

      const forward = await apiTrace(page, BILLET, 'forward');
      const expected = forward.lots.map((l) => l.number);
      expect(expected).toEqual(expect.arrayContaining(['RP-1001-01', 'R-1002-01', 'R-1003-01', WHEEL]));
      await expect.poll(async () => sorted(await graphLots(page))).toEqual(sorted([BILLET, ...expected]));
      expect(sorted(await tableLots(page, /Forward trace of/))).toEqual(sorted(expected));
      // The held rim lot says so in words, not only in colour.
      await expect
        .poll(() => page.locator('.react-flow__node [data-lot="R-1003-01"]').innerText())
        .toContain('ON HOLD');
      await screenshot(page, 'trace-forward');
      expect(await accessibilityViolations(page)).toEqual([]);

      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: 'Download the recall list (CSV)' }).click(),
      ]);
      const csv = readFileSync(await download.path(), 'utf8')
        .trim()
        .split('\n');
      expect(csv[0]).toBe('lot,material,depth,quantity,unit,state,order');
      expect(sorted(csv.slice(1).map((line) => line.split(',')[0]!))).toEqual(sorted(expected));

      // A click on a lot shows its details; from there, trace it the other way.
      await page.locator(`.react-flow__node [data-lot="${WHEEL}"]`).click();
      await page.getByRole('heading', { name: `Lot ${WHEEL}` }).waitFor();
      await page.getByRole('button', { name: 'Trace backward from here' }).click();
      await page.getByRole('heading', { name: `Backward trace of ${WHEEL}` }).waitFor();
      const backward = (await apiTrace(page, WHEEL, 'backward')).lots.map((l) => l.number);
      expect(backward).toEqual(expect.arrayContaining(['R-1002-01', 'H-2001-01', 'RP-1001-01', BILLET]));
      await expect.poll(async () => sorted(await graphLots(page))).toEqual(sorted([WHEEL, ...backward]));
      expect(sorted(await tableLots(page, /Backward trace of/))).toEqual(sorted(backward));
      await screenshot(page, 'trace-backward');
      expect(await accessibilityViolations(page)).toEqual([]);
      expect(problems).toEqual([]);
    },
    SLOW,
  );

  it(
    'an auditor verifies the log, filters it by action, opens a record and sees its inclusion proof verified in the browser',
    async () => {
      const { page, problems } = await watchedPage(plant);
      await signIn(plant, page, 'auditor');
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).click();
      await page.getByRole('button', { name: 'Verify the whole log now' }).click();
      await expect.poll(() => page.getByRole('status').first().innerText()).toContain('LOG VERIFIED');
      await page.getByRole('textbox', { name: 'Action' }).fill('genealogy.lot.receive');
      await page.getByRole('button', { name: 'Filter' }).click();
      const table = page.getByRole('table', { name: 'Audit records in sequence order' });
      // Five supplier lots are received in the demo (src/app/demo/orders.ts), and nothing else is listed.
      await expect
        .poll(() => table.locator('tbody tr td:nth-child(4)').allInnerTexts())
        .toEqual(Array.from({ length: 5 }, () => 'genealogy.lot.receive'));
      await screenshot(page, 'audit-log');
      expect(await accessibilityViolations(page)).toEqual([]);

      await table.getByRole('link').first().click();
      await expect.poll(() => page.getByRole('status').first().innerText()).toContain('Proof verified in your browser');
      await expect.poll(() => page.getByText('Ed25519 signature valid').count()).toBe(1);
      expect(
        await page
          .getByRole('table', { name: /Proof path/ })
          .locator('tbody tr')
          .count(),
      ).toBeGreaterThan(0);
      await screenshot(page, 'audit-record-proof');
      expect(await accessibilityViolations(page)).toEqual([]);
      expect(problems).toEqual([]);
    },
    SLOW,
  );

  it(
    "an operator, granted both demo lines, traces the wheel lot completely (nothing withheld) but is refused the audit log with the server's 403",
    async () => {
      const { page, problems } = await watchedPage(plant);
      await signIn(plant, page, 'operator');
      const answer = await apiTrace(page, WHEEL, 'backward');
      expect(answer.withheld).toBe(0);
      await page.goto(`${plant.url}/trace?lot=${WHEEL}&direction=backward`);
      await page.getByRole('heading', { name: `Backward trace of ${WHEEL}` }).waitFor();
      await expect
        .poll(async () => sorted(await tableLots(page, /Backward trace of/)))
        .toEqual(sorted(answer.lots.map((l) => l.number)));
      expect(await page.getByText(/Incomplete:/).count()).toBe(0);

      expect((await fetchInPage(page, '/api/audit/records')).status).toBe(403);
      expect(
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).count(),
      ).toBe(0);
      await page.goto(`${plant.url}/audit`);
      await expect.poll(() => page.getByRole('alert').first().innerText()).toMatch(/\w+/);
      expect(problems).toEqual([]);
    },
    SLOW,
  );
});
