import { request as httpsRequest } from 'node:https';
import type { Page } from 'playwright-core';
import { loadTls } from '../../src/http/tls.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  pageApi,
  accessibilityViolations,
  screenshot,
  signIn,
  startDemoPlant,
  watchedPage,
  type DemoPlant,
  type WatchedPage,
} from '../support/e2e.js';

const WHEEL_LINE = '/riverside/fab/wheel-line';
const TERMINAL = { width: 1280, height: 800 };
const BADGE = 'B-7001';
const PIN = '482915';
const SLOW = 180_000;

/**
 * Delivers a request the page made straight to the server (trusting exactly its certificate, as the pinned
 * browser does) and answers its status: the test then drops the answer, as a lost connection would.
 */
function deliver(url: string, headers: Record<string, string>, body: string, ca: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const sent = httpsRequest(url, { method: 'POST', headers, ca, checkServerIdentity: () => undefined }, (answer) => {
      answer.resume();
      answer.on('end', () => resolve(answer.statusCode ?? 0));
    });
    sent.on('error', reject);
    sent.end(body);
  });
}

interface OrderView {
  state: string;
  good: number;
  scrap: number;
  operations: { sequence: number; state: string; good: number; scrap: number }[];
}

// Issue 13: a registered shop-floor terminal, badge and PIN sign-in, the operator's work, and the offline outbox.
describe('operator terminal', () => {
  let plant: DemoPlant;
  let admin: WatchedPage;

  /** A call to the API from the administrator's page (its session cookie; its CSRF token from /api/auth/me). */
  async function adminApi(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const answer = await pageApi(admin.page, method, path, body);
    expect(answer.status).toBe(200);
    return answer.json;
  }
  const order = async (number: string) => (await adminApi('GET', `/api/orders/${number}`)) as OrderView;

  /** A new 1280×800 terminal context enrolled with `code`, with oscar signed in by badge and PIN. */
  async function enrolledTerminal(code: string, shots = false): Promise<WatchedPage> {
    const terminal = await watchedPage(plant, TERMINAL);
    const { page } = terminal;
    await page.goto(`${plant.url}/terminal`);
    await page.getByLabel('Enrolment code').waitFor();
    if (shots) {
      await screenshot(page, 'terminal-enrol');
      expect(await accessibilityViolations(page)).toEqual([]);
    }
    await page.getByLabel('Enrolment code').fill(code);
    await page.getByRole('button', { name: 'Enrol' }).click();
    await page.getByRole('heading', { name: 'Sign in with badge and PIN' }).waitFor();
    if (shots) {
      await screenshot(page, 'terminal-badge-pin');
      expect(await accessibilityViolations(page)).toEqual([]);
    }
    await page.getByRole('textbox', { name: 'Badge' }).fill(BADGE);
    for (const digit of PIN)
      await page.getByRole('group', { name: 'PIN keys' }).getByRole('button', { name: digit }).click();
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: `Orders on ${WHEEL_LINE}` }).waitFor();
    return terminal;
  }

  const tab = (page: Page, name: string) => page.getByRole('tab', { name }).click();
  /** Everything reached the server and none of it was refused. */
  const allSent = async (page: Page) => {
    await page.getByText('All actions sent.').waitFor();
    expect(await page.getByRole('list', { name: 'Actions refused' }).count()).toBe(0);
  };
  const operationState = (page: Page, state: string) =>
    page.getByRole('heading', { level: 3, name: new RegExp(`^Operation .* ${state}$`) }).waitFor();

  beforeAll(async () => {
    plant = await startDemoPlant();
    admin = await watchedPage(plant);
    await signIn(plant, admin.page, 'administrator');
  }, SLOW);
  afterAll(async () => {
    await plant?.stop();
  });

  it(
    'an operator at a registered terminal completes an operation with consumption, scrap and an inspection',
    async () => {
      const { page: adminPage } = admin;
      await adminPage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Terminals' }).click();
      await adminPage.getByLabel('Terminal name').fill('Wheel line 1');
      await adminPage.getByRole('button', { name: /Line$/ }).click();
      await adminPage.getByRole('option', { name: WHEEL_LINE }).click();
      await adminPage.getByRole('button', { name: 'Register' }).click();
      const code = await adminPage.getByLabel('Enrolment code').inputValue();
      expect(code).toMatch(/^\S{8,}$/);
      await adminPage.getByRole('button', { name: /Person$/ }).click();
      await adminPage.getByRole('option', { name: /^oscar/ }).click();
      await adminPage.getByLabel('Badge number').fill(BADGE);
      await adminPage.getByLabel('New PIN').fill(PIN);
      await adminPage.getByRole('button', { name: 'Assign badge' }).click();
      await adminPage.getByText(`Badge ${BADGE} and the new PIN now belong to oscar.`).waitFor();
      await adminPage.getByRole('cell', { name: 'Wheel line 1', exact: true }).waitFor();
      await screenshot(adminPage, 'admin-terminals');
      expect(await accessibilityViolations(adminPage)).toEqual([]);

      const terminal = await enrolledTerminal(code, true);
      const { page } = terminal;
      await page.getByText(`Terminal Wheel line 1 · line ${WHEEL_LINE}`).waitFor();
      await page.getByRole('button', { name: /WO-2004/ }).waitFor();
      await screenshot(page, 'operator-orders');
      expect(await accessibilityViolations(page)).toEqual([]);
      const spokesBefore = ((await adminApi('GET', '/api/lots/L-SPK-0001')) as { available: number }).available;

      await page.getByRole('button', { name: /WO-2004/ }).click();
      await page.getByRole('button', { name: /^10 Lace/ }).click();
      await page.getByRole('button', { name: 'Start', exact: true }).click();
      await operationState(page, 'running');

      await tab(page, 'Material');
      await page.getByLabel('Quantity consumed').fill('32');
      const lot = page.getByLabel('Lot to consume');
      await lot.click();
      await lot.pressSequentially('L-SPK-0001');
      await lot.press('Enter');
      await page.getByRole('cell', { name: 'L-SPK-0001', exact: true }).waitFor();
      await page.getByRole('button', { name: 'Book consumption' }).click();
      await allSent(page);

      await tab(page, 'Run and report');
      await page.getByLabel('Good').fill('5');
      await page.getByLabel('Scrap', { exact: true }).fill('1');
      await page.getByLabel('Scrap reason').fill('bent spoke');
      await page.getByRole('button', { name: 'Report', exact: true }).click();
      await page.getByText('running · 5 good / 1 scrap').waitFor();
      await page.getByRole('button', { name: 'Complete', exact: true }).click();
      await operationState(page, 'completed');

      await page.getByRole('button', { name: /^20 True and tension/ }).click();
      await page.getByRole('button', { name: 'Start', exact: true }).click();
      await operationState(page, 'running');
      await tab(page, 'Inspection');
      await page.getByLabel('radial-runout (mm)').fill('0.12');
      await page.getByText('Incomplete — enter every value').waitFor();
      await page.getByLabel('lateral-runout (mm)').fill('0.35');
      await page.getByText('Verdict: Fail').waitFor();
      await page.getByLabel('lateral-runout (mm)').fill('0.15');
      await page.getByText('Verdict: Pass').waitFor();
      await screenshot(page, 'operator-operation');
      expect(await accessibilityViolations(page)).toEqual([]);
      await page.getByRole('button', { name: 'Record inspection' }).click();
      await allSent(page);
      await tab(page, 'Run and report');
      await page.getByLabel('Good').fill('5');
      await page.getByRole('button', { name: 'Report', exact: true }).click();
      await page.getByText('running · 5 good / 0 scrap').waitFor();
      await page.getByRole('button', { name: 'Complete', exact: true }).click();
      await operationState(page, 'completed');

      const done = await order('WO-2004');
      expect(done.state).toBe('completed');
      expect(done.operations.map((op) => [op.sequence, op.state, op.good, op.scrap])).toEqual([
        [10, 'completed', 5, 1],
        [20, 'completed', 5, 0],
      ]);
      // The order counts what leaves its last operation.
      expect([done.good, done.scrap]).toEqual([5, 0]);
      const spokes = (await adminApi('GET', '/api/lots/L-SPK-0001')) as { available: number };
      expect(spokes.available).toBe(spokesBefore - 32);
      const output = (await adminApi('GET', '/api/lots/WO-2004-10-01')) as { order: string; material: string };
      expect([output.order, output.material]).toEqual(['WO-2004', 'WHEEL-700C']);
      const inspections = (await adminApi('GET', '/api/quality/inspections')) as {
        items?: { plan: string; order?: string | null; result: string }[];
      };
      expect(JSON.stringify(inspections)).toContain('QP-WHEEL-700C');
      expect(terminal.problems).toEqual([]);
      expect(admin.problems).toEqual([]);
    },
    SLOW,
  );

  it(
    'an action taken offline is sent once when the network returns, even when the answer to its first send is lost',
    async () => {
      const registered = (await adminApi('POST', '/api/terminals', { name: 'Wheel line 2', line: WHEEL_LINE })) as {
        enrolmentCode: string;
      };
      const users = (await adminApi('GET', '/api/users?kind=human&limit=200')) as {
        items: { id: string; username: string }[];
      };
      const oscar = users.items.find((u) => u.username === 'oscar')!;
      await adminApi('POST', `/api/users/${oscar.id}/badge`, { badge: BADGE, pin: PIN });
      const terminal = await enrolledTerminal(registered.enrolmentCode);
      const { page, context } = terminal;
      const before = (await order('WO-2003')).operations.find((op) => op.sequence === 10)!;
      expect(before.state).toBe('running');

      await page.getByRole('button', { name: /WO-2003/ }).click();
      await operationState(page, 'running');
      await context.setOffline(true);
      await page.getByLabel('Good').fill('1');
      await page.getByRole('button', { name: 'Report', exact: true }).click();
      await page.getByText('1 action not yet sent').waitFor();
      await page
        .getByRole('list', { name: 'Actions not yet sent' })
        .getByText('Report 1 good, 0 scrap on WO-2003 op 10')
        .waitFor();
      await screenshot(page, 'operator-outbox');
      expect(await accessibilityViolations(page)).toEqual([]);

      // The first send reaches the server, but its answer never reaches the page: the page must send it again.
      const keys: string[] = [];
      const lost: number[] = [];
      const { cert } = loadTls(plant.server.bastion.config);
      await page.route('**/api/orders/operations/report', async (route) => {
        const request = route.request();
        keys.push(request.headers()['idempotency-key'] ?? '');
        if (keys.length > 1) return route.continue();
        lost.push(await deliver(request.url(), await request.allHeaders(), request.postData() ?? '', cert));
        await route.abort('connectionreset');
      });
      await context.setOffline(false);
      await allSent(page);
      expect(lost).toEqual([200]);
      expect(keys.length).toBeGreaterThanOrEqual(2);
      expect(new Set(keys).size).toBe(1);
      expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
      const after = (await order('WO-2003')).operations.find((op) => op.sequence === 10)!;
      expect(after.good).toBe(before.good + 1);
      // The dropped answer is the one network failure the browser reports, and the test caused it.
      expect(terminal.problems.filter((p) => !p.includes('net::ERR_CONNECTION_RESET'))).toEqual([]);
      expect(admin.problems).toEqual([]);
    },
    SLOW,
  );
});
