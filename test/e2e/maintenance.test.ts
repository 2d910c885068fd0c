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

const WAIT = { timeout: 15_000 };
const LATHE = '/riverside/fab/wheel-line/hub-machining/lathe-1';

/** An API call the way the page makes it, in the page: its session cookie, and the CSRF token `/api/auth/me` gives. */
const call = (page: Page, method: 'GET' | 'POST', path: string, body?: object) => pageApi(page, method, path, body);

// Maintenance (backlog, plans, equipment history) and dual control (approvals) in Debian's Chromium.
describe('maintenance and approvals in the web application', () => {
  let plant: DemoPlant;
  beforeAll(async () => {
    plant = await startDemoPlant();
  });
  afterAll(async () => {
    await plant?.stop();
  });

  it(
    'lets maya report a fault on the lathe, start it and complete it with work done and a part, and shows it in the lathe history',
    { timeout: 240_000 },
    async () => {
      const { page, problems } = await watchedPage(plant);
      await signIn(plant, page, 'maintenance');
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Maintenance' }).click();
      await page.getByRole('heading', { name: 'Maintenance backlog', level: 1 }).waitFor();
      await expect
        .poll(() => page.getByRole('table', { name: 'Maintenance orders' }).innerText(), WAIT)
        .toContain('MO-000001');

      await page.getByRole('button', { name: 'Report a fault' }).click();
      const report = page.getByRole('dialog', { name: 'Report a fault' });
      await report.getByRole('button', { name: /Equipment/ }).click();
      await page.getByRole('option', { name: new RegExp(`${LATHE}$`) }).click();
      await report.getByLabel('What is wrong').fill('Chuck jaw slips under load; parts out of round.');
      await report.getByRole('button', { name: 'Report the fault' }).click();
      const opened = page.getByRole('status').filter({ hasText: /opened for/ });
      await opened.waitFor();
      const number = /MO-\d{6}/.exec(await opened.innerText())![0];

      const row = page.getByRole('row', { name: new RegExp(number) });
      await row.getByRole('button', { name: `Start ${number}` }).click();
      await page
        .getByRole('status')
        .filter({ hasText: `${number} is in progress` })
        .waitFor();
      await expect.poll(() => row.innerText(), WAIT).toContain('in-progress');

      await row.getByRole('button', { name: `Complete ${number}` }).click();
      const complete = page.getByRole('dialog', { name: `Complete ${number}` });
      await complete.getByLabel('Work done').fill('Replaced the worn jaw inserts and re-torqued the chuck.');
      await complete.getByRole('button', { name: 'Add a part' }).click();
      await complete.getByLabel('Part 1', { exact: true }).fill('Chuck jaw insert');
      await complete.getByLabel('Quantity of part 1').fill('3');
      await complete.getByRole('button', { name: `Complete ${number}` }).click();
      await page
        .getByRole('status')
        .filter({ hasText: `${number} is completed.` })
        .waitFor();
      await expect.poll(() => row.innerText(), WAIT).toContain('completed');
      await screenshot(page, 'maintenance-backlog');
      expect(await accessibilityViolations(page)).toEqual([]);

      await row.getByRole('link', { name: LATHE }).click();
      await page.getByRole('heading', { name: 'Equipment history', level: 1 }).waitFor();
      const history = page.getByRole('list', { name: `Maintenance history of ${LATHE}, newest first` });
      const entry = history
        .getByRole('listitem')
        .filter({ has: page.getByRole('heading', { name: new RegExp(number) }) });
      await expect
        .poll(() => entry.innerText(), WAIT)
        .toContain('Replaced the worn jaw inserts and re-torqued the chuck.');
      expect(await entry.innerText()).toContain('3 pcs Chuck jaw insert');
      expect(await entry.innerText()).toContain('Chuck jaw slips under load');
      await screenshot(page, 'maintenance-history');
      expect(await accessibilityViolations(page)).toEqual([]);

      await page
        .getByRole('navigation', { name: 'Maintenance' })
        .getByRole('link', { name: 'Preventive plans' })
        .click();
      const plans = page.getByRole('table', { name: 'Preventive maintenance plans' });
      await expect.poll(() => plans.innerText(), WAIT).toContain('PM-LATHE1-LUBE');
      await expect
        .poll(() => page.getByRole('progressbar', { name: /^PM-LATHE1-LUBE: [\d.]+ of 7 days/ }).count(), WAIT)
        .toBe(1);
      await page.getByRole('button', { name: 'Schedule due plans' }).click();
      await page
        .getByRole('status')
        .filter({ hasText: /No plan is due|Opened \d+ preventive order/ })
        .waitFor();
      await screenshot(page, 'maintenance-plans');
      expect(await accessibilityViolations(page)).toEqual([]);
      expect(problems).toEqual([]);
    },
  );

  it(
    'shows a use-as-is disposition waiting for approval, refuses it to its author with the server’s reason, and lets a second person approve it',
    { timeout: 240_000 },
    async () => {
      const quality = await watchedPage(plant);
      await signIn(plant, quality.page, 'quality');
      const open = await call(quality.page, 'GET', '/api/quality/ncrs?state=open');
      const ncr = (open.json as { items: { number: string }[] }).items[0]!.number;
      const held = await call(quality.page, 'POST', '/api/quality/ncrs/disposition', {
        ncr,
        disposition: 'use-as-is',
        reason: 'Deviation within the customer concession for this run.',
      });
      expect(held.status).toBe(202);

      await quality.page.goto(`${plant.url}/admin/approvals`);
      const mine = quality.page.getByRole('row', { name: new RegExp(ncr) });
      await expect.poll(() => mine.innerText(), WAIT).toContain('you');
      await mine.getByRole('button', { name: /^Approve:/ }).click();
      await expect
        .poll(() => quality.page.getByRole('alert').innerText(), WAIT)
        .toBe('The author of a change cannot approve it.');
      expect(await mine.count(), 'still waiting').toBe(1);

      const admin = await watchedPage(plant);
      await signIn(plant, admin.page, 'administrator');
      await admin.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Approvals' }).click();
      const request = admin.page.getByRole('row', { name: new RegExp(ncr) });
      await expect.poll(() => request.innerText(), WAIT).toContain('use-as-is');
      expect(await request.innerText()).toContain('quinn');
      await screenshot(admin.page, 'approvals');
      expect(await accessibilityViolations(admin.page)).toEqual([]);
      await request.getByRole('button', { name: 'Approve: Disposition a non-conformance asked by quinn' }).click();
      await admin.page
        .getByRole('status')
        .filter({ hasText: 'Approved: Disposition a non-conformance asked by quinn.' })
        .waitFor();
      await expect.poll(() => request.count(), WAIT).toBe(0);

      const closed = await call(admin.page, 'GET', '/api/quality/ncrs?state=closed');
      const done = (closed.json as { items: { number: string; disposition: string | null }[] }).items;
      expect(done.find((n) => n.number === ncr)?.disposition).toBe('use-as-is');
      expect(quality.problems).toEqual([]);
      expect(admin.problems).toEqual([]);
    },
  );

  it('lets sofia grant oscar a fifteen-minute override with a reason, and lists it among the overrides in force', async () => {
    const { page, problems } = await watchedPage(plant);
    await signIn(plant, page, 'supervisor');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Overrides' }).click();
    await page.getByRole('heading', { name: 'Supervisor overrides', level: 1 }).waitFor();
    const form = page.getByRole('form', { name: 'Grant an override' });
    await form.getByRole('button', { name: /Person/ }).click();
    await page.getByRole('option', { name: 'oscar', exact: true }).click();
    await form.getByRole('button', { name: /Blocked action/ }).click();
    await page.getByRole('option', { name: 'maintenance.manage', exact: true }).click();
    await form.getByLabel('Reason').fill('Press 1 jammed; Oscar starts the repair order while Maya is on her way.');
    await form.getByRole('button', { name: 'Grant the override' }).click();
    await page.getByRole('status').filter({ hasText: 'oscar may use maintenance.manage at / until' }).waitFor();
    const live = page.getByRole('table', { name: 'Overrides in force, newest first' });
    await expect.poll(() => live.innerText(), WAIT).toContain('Press 1 jammed');
    expect(await live.innerText()).toContain('sofia');
    await screenshot(page, 'approvals-overrides');
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
  }, 240_000);
});
