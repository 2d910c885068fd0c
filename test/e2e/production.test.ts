import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoMachines, RIM_LINE, RIM_MACHINES, WHEEL_LINE } from '../../src/app/demo/plant.js';
import {
  pageApi,
  accessibilityViolations,
  screenshot,
  signIn,
  startDemoPlant,
  watchedPage,
  type DemoPlant,
} from '../support/e2e.js';

/** A command as the signed-in page sends it (refused: the test fails with the server's answer). */
async function post(page: Page, path: string, data: unknown): Promise<void> {
  const answer = await pageApi(page, 'POST', path, data);
  if (answer.status >= 300) throw new Error(`${path} answered ${answer.status}: ${answer.text}`);
}

/** An answer of the API as the signed-in page gets it. */
const getJson = async (page: Page, path: string) => (await pageApi(page, 'GET', path)).json;

/** Picks `option` in the React Aria select labelled `label` (its button is named by its value and its label). */
async function choose(page: Page, label: string, option: string): Promise<void> {
  await page.getByRole('button', { name: new RegExp(`${label}$`) }).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

/** Waits on a condition of the page for up to 15 s (a page loads its chunks and data on a busy machine). */
const poll = <T>(probe: () => T | Promise<T>) => expect.poll(probe, { timeout: 15_000 });

const bodyRows = (page: Page, caption: string) => page.getByRole('table', { name: caption }).locator('tbody tr');

// Issue 13 §4: the supervisor's work-order and performance screens in Debian's Chromium.
describe('work orders and performance in the browser', () => {
  let plant: DemoPlant;
  beforeAll(async () => {
    plant = await startDemoPlant();
  });
  afterAll(async () => {
    await plant?.stop();
  });

  it('a supervisor releases the demo’s created order and dispatches it to the wheel line, and the order is then dispatched there', async () => {
    const { page, problems } = await watchedPage(plant);
    page.setDefaultTimeout(15_000);
    await signIn(plant, page, 'supervisor');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Work orders' }).click();
    await page.getByRole('link', { name: 'WO-2005' }).click();
    await poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Work order WO-2005');

    await page.getByRole('button', { name: 'Release', exact: true }).click();
    await poll(() => page.getByRole('status').innerText()).toBe('Work order WO-2005 released.');
    await choose(page, 'Line', `Wheel assembly line (${WHEEL_LINE})`);
    await page.getByRole('button', { name: 'Dispatch', exact: true }).click();
    await poll(() => page.getByRole('status').innerText()).toBe(`Work order WO-2005 dispatched to ${WHEEL_LINE}.`);
    await poll(() => page.locator('.facts').innerText()).toMatch(/State\s+dispatched/);
    await poll(() => page.getByRole('row', { name: /Turn and drill/ }).innerText()).toContain('pending');

    expect(await getJson(page, '/api/orders/WO-2005')).toMatchObject({ state: 'dispatched', line: WHEEL_LINE });
    await screenshot(page, 'production-order-detail');
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
  }, 150_000);

  it('the order list filters by state (kept in the URL over a reload) and pages forward and back ten orders at a time', async () => {
    const { page, problems } = await watchedPage(plant);
    page.setDefaultTimeout(15_000);
    await signIn(plant, page, 'supervisor');
    const orders = Array.from({ length: 30 }, (_, i) => ({
      number: `WO-9${String(i).padStart(3, '0')}`,
      product: 'RIM-PROFILE',
      quantity: 100 + i,
      due: new Date(Date.UTC(2030, 0, 1 + i)).toISOString(),
    }));
    await post(page, '/api/orders/import', { source: 'e2e-erp', orders });

    await page.goto(`${plant.url}/orders`);
    await choose(page, 'State', 'created');
    await choose(page, 'Rows per page', '10');
    await poll(() => new URL(page.url()).searchParams.get('state')).toBe('created');
    const rows = bodyRows(page, 'Work orders');
    await poll(() => rows.count()).toBe(10);
    expect(new Set(await rows.locator('td:nth-child(3)').allInnerTexts())).toEqual(new Set(['created']));
    const first = await rows.first().locator('td').first().innerText();
    await screenshot(page, 'production-orders-list');
    expect(await accessibilityViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'Next' }).click();
    await poll(() => page.getByText(/^Page \d+$/).innerText()).toBe('Page 2');
    await poll(() => rows.first().locator('td').first().innerText()).not.toBe(first);
    expect(new Set(await rows.locator('td:nth-child(3)').allInnerTexts())).toEqual(new Set(['created']));
    await page.getByRole('button', { name: 'Previous' }).click();
    await poll(() => page.getByText(/^Page \d+$/).innerText()).toBe('Page 1');
    await poll(() => rows.first().locator('td').first().innerText()).toBe(first);

    await page.reload();
    await poll(() => rows.count()).toBe(10);
    expect(new Set(await rows.locator('td:nth-child(3)').allInnerTexts())).toEqual(new Set(['created']));
    await choose(page, 'State', 'closed');
    await poll(() => rows.locator('td:nth-child(3)').allInnerTexts()).toEqual(['closed', 'closed', 'closed', 'closed']);
    expect(problems).toEqual([]);
  }, 150_000);

  it('the performance screen shows the rim line’s OEE figures, each machine’s figures and a down-time Pareto', async () => {
    const { page, problems } = await watchedPage(plant);
    page.setDefaultTimeout(15_000);
    await signIn(plant, page, 'supervisor');
    // `init --demo` records no machine history (the demo's simulated line does, under `serve --demo`), so the
    // supervisor's page reports three hours of each rim-line machine: running, a breakdown, running again.
    const hour = 3_600_000;
    const start = Date.now() - 3 * hour;
    const at = (t: number) => new Date(t).toISOString();
    for (const [i, name] of RIM_MACHINES.entries()) {
      const equipment = `${RIM_LINE}/${name === 'press-1' ? 'extrude' : name === 'cnc-1' ? 'drill' : 'roll-weld'}/${name}`;
      const ideal = demoMachines[name].idealCycleSeconds;
      await post(page, '/api/performance/states', { equipment, state: 'running', at: at(start) });
      await post(page, '/api/performance/states', {
        equipment,
        state: 'down',
        category: 'breakdown',
        reason: i % 2 === 0 ? 'tool breakage' : 'material jam',
        at: at(start + hour),
      });
      await post(page, '/api/performance/states', {
        equipment,
        state: 'running',
        at: at(start + hour + (10 + 5 * i) * 60_000),
      });
      // A third of the parts in each hour, so that the trend has a point in every hour the machine ran.
      const total = Math.round(8000 / ideal / 3);
      for (const hours of [0.5, 1.5, 2.5])
        await post(page, '/api/performance/counts', {
          equipment,
          total,
          good: total - 1 - i,
          at: at(start + hours * hour),
        });
    }

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Performance' }).click();
    await poll(() => page.getByRole('button', { name: /Line or machine$/ }).innerText()).toContain('Rim line');
    const figures = page.getByLabel('OEE figures of Rim line');
    await poll(() => figures.innerText()).toMatch(/OEE\s+\d+\.\d\s%/);
    const machines = bodyRows(page, 'OEE per machine of Rim line');
    await poll(() => machines.count()).toBe(4);
    await poll(() => machines.locator('td:nth-child(6)').allInnerTexts()).toEqual(
      expect.arrayContaining([expect.stringMatching(/^\d+\.\d\s%$/)]),
    );
    for (const text of await machines.locator('td:nth-child(6)').allInnerTexts())
      expect(Number.parseFloat(text)).toBeGreaterThan(0);
    const pareto = bodyRows(page, 'Down time at Rim line by reason (Pareto)');
    await poll(() => pareto.locator('td:first-child').allInnerTexts()).toEqual(['material jam', 'tool breakage']);
    await poll(() => page.getByRole('img', { name: /Down time at Rim line by reason/ }).count()).toBe(1);
    await poll(() => page.locator('.recharts-line').count()).toBe(4);
    await screenshot(page, 'production-performance');
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
  }, 150_000);
});
