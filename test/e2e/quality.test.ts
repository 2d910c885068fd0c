import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accessibilityViolations,
  screenshot,
  signIn,
  startDemoPlant,
  watchedPage,
  type DemoPlant,
} from '../support/e2e.js';

/** Polls as expect.poll does, but as long as a busy two-core machine may need to render a screen. */
const until = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 15_000 });

// The quality area in Debian's Chromium against the demo plant: plans, inspections, SPC, NCRs with a second
// person's approval, lots on hold.
describe('quality screens', () => {
  let plant: DemoPlant;
  beforeAll(async () => {
    plant = await startDemoPlant();
  });
  afterAll(async () => {
    await plant?.stop();
  });

  it('lists and defines inspection plans, lists inspections, and judges typed values live against the shown limits', async () => {
    const { page, problems } = await watchedPage(plant);
    await signIn(plant, page, 'quality');
    await page.goto(`${plant.url}/quality`);
    await until(() => page.url()).toMatch(/\/quality\/plans$/);
    const plans = page.getByRole('table', { name: 'Inspection plans (the version in force)' });
    await until(() => plans.innerText()).toContain('QP-RIM-700C');
    expect(await plans.innerText()).toMatch(/rim-width \(mm\): nominal 19, limits 18\.8 to 19\.2/);
    await screenshot(page, 'quality-plans');
    expect(await accessibilityViolations(page)).toEqual([]);
    const define = page.getByRole('region', { name: 'Define an inspection plan' });
    await define.getByLabel('Plan code').fill('QP-HUB-IN');
    await define.getByLabel('Product').fill('HUB-FORGING');
    await define.getByLabel('Name').fill('bore-diameter');
    await define.getByLabel('Nominal').fill('30');
    await define.getByLabel('Lower limit').fill('29.95');
    await define.getByLabel('Upper limit').fill('30.05');
    await define.getByRole('button', { name: 'Define the plan' }).click();
    await until(() => define.getByRole('status').innerText()).toBe('Plan QP-HUB-IN version 1 is in force.');
    await until(() => plans.innerText()).toMatch(/bore-diameter \(mm\): nominal 30, limits 29\.95 to 30\.05/);

    await page.getByRole('link', { name: 'Inspections' }).click();
    const list = page.getByRole('table', { name: 'Inspections, newest first' });
    await until(() => list.innerText()).toContain('QP-WHEEL-700C');
    await page.getByLabel('Lot', { exact: true }).fill('R-1003-01');
    await until(async () => (await list.getByRole('row').count()) - 1).toBe(1);
    expect(await list.innerText()).toContain('✗ Fail');

    await page.getByRole('button', { name: /Inspection plan/ }).click();
    await page.getByRole('option', { name: /QP-RIM-700C/ }).click();
    const limits = page.getByRole('group', { name: /rim-width \(mm\): nominal 19, limits 18\.8 to 19\.2/ });
    await limits.getByLabel('rim-width value 1').fill('19.01');
    await limits.getByLabel('rim-width value 2').fill('18.99');
    await limits.getByLabel('rim-width value 3').fill('19.3');
    await until(() => page.getByText('Verdict so far:').innerText()).toContain('✗ Fail');
    await limits.getByLabel('rim-width value 3').fill('19.02');
    await until(() => page.getByText('Verdict so far:').innerText()).toContain('✓ Pass');
    await page.getByRole('button', { name: 'Record the inspection' }).click();
    await until(() => page.getByRole('status').first().innerText()).toContain('Recorded: ✓ Pass');
    await screenshot(page, 'quality-inspections');
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
  }, 180_000);

  it('draws the rim-width X̄ chart on a time axis with its limits and marks the demo violation, named in the legend and table', async () => {
    const { page, problems } = await watchedPage(plant);
    await signIn(plant, page, 'quality');
    await page.goto(`${plant.url}/quality/spc?plan=QP-RIM-700C&characteristic=rim-width`);
    const figure = page.getByRole('figure', { name: /QP-RIM-700C · rim-width: X̄ chart/ });
    await until(async () => (await figure.locator('svg text').allTextContents()).join(' ')).toMatch(
      /UCL 19\.\d+ .*CL 19\.\d+ .*LCL 18\.\d+ .*USL 19\.2 .*LSL 18\.8/s,
    );
    expect(await figure.locator('.quality-mark-violation').count()).toBeGreaterThan(0);
    expect(await figure.getByRole('list', { name: /Legend/ }).innerText()).toContain(
      'Red triangle: violates a Western Electric rule',
    );
    const violations = page.getByRole('table', { name: 'Western Electric rule violations' });
    expect(await violations.innerText()).toContain('Rule 1: a point beyond a control limit (3σ)');
    await screenshot(page, 'quality-spc');
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
  }, 180_000);

  it('a quality engineer dispositions an NCR with approval by a second person', async () => {
    const quinn = await watchedPage(plant);
    await signIn(plant, quinn.page, 'quality');
    await quinn.page.goto(`${plant.url}/quality/ncrs?ncr=NCR-000001`);
    const report = quinn.page.getByRole('region', { name: 'NCR-000001' });
    await until(() => report.innerText()).toMatch(/Lot\s+R-1003-01 On hold/);
    await report
      .getByRole('button', { name: /Disposition/ })
      .first()
      .click();
    await quinn.page.getByRole('option', { name: /Use as is/ }).click();
    await report.getByLabel('Reason').fill('Customer deviation D-17 accepts 19.27 mm');
    await report.getByRole('button', { name: 'Disposition NCR-000001' }).click();
    await until(() => report.innerText()).toContain('Waiting for approval by a second person');
    expect(await report.innerText()).toContain('You proposed it');
    expect(await report.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    await screenshot(quinn.page, 'quality-ncrs');
    expect(await accessibilityViolations(quinn.page)).toEqual([]);

    // The administrator holds every permission, disposition of NCRs included: a second person who may approve.
    const admin = await watchedPage(plant);
    await signIn(plant, admin.page, 'administrator');
    await admin.page.goto(`${plant.url}/quality/ncrs?ncr=NCR-000001`);
    const seen = admin.page.getByRole('region', { name: 'NCR-000001' });
    await until(() => seen.innerText()).toContain('Use as is proposed by quinn');
    await seen.getByRole('button', { name: 'Approve' }).click();
    await until(() => seen.innerText()).toContain('Approved by');
    // The lot's state is a query of its own, refreshed after the report's: it follows once it has answered.
    await until(() => seen.innerText()).toMatch(/Lot\s+R-1003-01 Available/);
    const facts = await seen.innerText();
    expect(facts).toMatch(/Disposition\s+Use as is/);
    expect(facts).toMatch(/Dispositioned by\s+quinn/);
    expect(facts).toMatch(/Approved by\s+admin/);

    await quinn.page.reload();
    await until(() => report.innerText()).toMatch(/Approved by\s+admin/);
    expect(await report.innerText()).toContain('Closed');
    expect(quinn.problems).toEqual([]);
    expect(admin.problems).toEqual([]);
  }, 180_000);

  it('puts a lot on hold with a reason and releases it from the lots screen, its state written', async () => {
    const { page, problems } = await watchedPage(plant);
    await signIn(plant, page, 'quality');
    await page.goto(`${plant.url}/quality/lots`);
    await page.getByLabel('Lot number').fill('L-HUB-0001');
    await page.getByRole('button', { name: 'Show the lot' }).click();
    const lot = page.getByRole('region', { name: 'Lot L-HUB-0001' });
    await until(() => lot.innerText()).toMatch(/Quality state\s+Available/);
    await lot.getByLabel('Reason for the hold').fill('Supplier recall notice FW-2231');
    await lot.getByRole('button', { name: 'Put on hold' }).click();
    await until(() => lot.innerText()).toMatch(/Quality state\s+On hold/);
    expect(await lot.innerText()).toContain('Supplier recall notice FW-2231');
    await page.getByRole('button', { name: /Quality state/ }).click();
    await page.getByRole('option', { name: 'On hold' }).click();
    const held = page.getByRole('table', { name: 'Lots by number' });
    await until(() => held.getByRole('row', { name: /L-HUB-0001/ }).innerText()).toContain('On hold');
    await screenshot(page, 'quality-lots');
    expect(await accessibilityViolations(page)).toEqual([]);
    await lot.getByLabel('Reason for the release').fill('Recall withdrawn by the supplier');
    await lot.getByRole('button', { name: 'Release' }).click();
    await until(() => lot.innerText()).toMatch(/Quality state\s+Available/);
    expect(problems).toEqual([]);
  }, 180_000);
});
