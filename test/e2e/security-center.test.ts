import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accessibilityViolations,
  screenshot,
  signIn,
  startDemoPlant,
  watchedPage,
  type DemoPlant,
} from '../support/e2e.js';

/** Wrong passwords for `username`, sent over HTTPS by a browser nobody signed in to (the attacker's). */
async function bruteForce(plant: DemoPlant, username: string, attempts: number): Promise<number[]> {
  const { page, context } = await watchedPage(plant);
  await page.goto(`${plant.url}/`);
  const statuses = await page.evaluate(
    async ({ username, attempts }) => {
      const answers: number[] = [];
      for (let i = 0; i < attempts; i += 1) {
        const response = await fetch('/api/auth/login', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username, password: `guess number ${i} of many` }),
        });
        answers.push(response.status);
      }
      return answers;
    },
    { username, attempts },
  );
  await context.close();
  return statuses;
}

/** Opens a React Aria Select (by keyboard: a popover may open over its own button) and picks an option. */
async function choose(page: Page, scope: ReturnType<Page['getByRole']>, label: RegExp, option: string) {
  const trigger = scope.getByRole('button', { name: label });
  await trigger.focus();
  await page.keyboard.press('Enter');
  await page.getByRole('listbox').waitFor();
  await page.getByRole('option', { name: option, exact: true }).click();
  await expect.poll(() => trigger.innerText()).toContain(option);
}

// The security center in Debian's Chromium against the demo plant, whose server runs detection (startMonitoring).
describe('the security center', { timeout: 240_000 }, () => {
  let plant: DemoPlant;
  beforeAll(async () => {
    plant = await startDemoPlant();
  });
  afterAll(async () => {
    await plant?.stop();
  });

  it('a security officer sees a brute-force alert appear, acknowledges it, opens a compromised-account incident from it and sees its checklist, ticks a step, adds a note and closes it', async () => {
    const { page, problems } = await watchedPage(plant);
    await signIn(plant, page, 'security-officer');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Security center' }).click();
    await page.getByRole('heading', { name: 'Security center', level: 1 }).waitFor();
    await page.getByRole('region', { name: 'Posture' }).waitFor();
    await screenshot(page, 'security-overview');
    expect(await accessibilityViolations(page)).toEqual([]);

    await page.getByRole('tab', { name: 'Alerts' }).click();
    const target = plant.accounts.get('operator')!.username;
    const statuses = await bruteForce(plant, target, 6);
    expect(
      statuses.every((s) => s === 401 || s === 429),
      statuses.join(' '),
    ).toBe(true);

    // Detection runs in the server; the Alerts view looks again by itself until the alert is there.
    const row = page.getByRole('row').filter({ hasText: 'brute-force' });
    await expect.poll(() => row.count(), { timeout: 60_000 }).toBe(1);
    expect(await row.innerText()).toMatch(/high/);
    await screenshot(page, 'security-alerts');
    expect(await accessibilityViolations(page)).toEqual([]);

    await row.getByRole('button', { name: 'Acknowledge' }).click();
    const ackDialog = page.getByRole('dialog');
    await ackDialog.getByLabel('Note (optional)').fill(`Checking with ${target} whether these were theirs.`);
    await ackDialog.getByRole('button', { name: 'Acknowledge alert' }).click();
    await expect.poll(() => page.getByRole('status').first().innerText()).toMatch(/^Acknowledged/);

    await choose(page, page.getByRole('group', { name: 'Filter alerts' }), /State/, 'Acknowledged');
    const acknowledged = page.getByRole('row').filter({ hasText: 'brute-force' });
    await expect.poll(() => acknowledged.innerText()).toMatch(/acknowledged by/);

    await acknowledged.getByRole('button', { name: 'Open incident' }).click();
    const openDialog = page.getByRole('dialog');
    await choose(page, openDialog, /Playbook/, 'Compromised account');
    await screenshot(page, 'security-open-incident');
    await openDialog.getByRole('button', { name: 'Open the incident' }).click();

    await page.getByRole('heading', { name: /^Incident INC-\d+: / }).waitFor();
    const checklist = page.getByRole('list', { name: 'Playbook checklist' });
    await expect.poll(() => checklist.innerText()).toMatch(/Revoke the account's sessions/);
    expect(await checklist.getByRole('listitem').count()).toBeGreaterThanOrEqual(3);
    await expect.poll(() => page.getByRole('region', { name: 'Linked alerts' }).innerText()).toMatch(/brute-force/);
    await screenshot(page, 'security-incident');
    expect(await accessibilityViolations(page)).toEqual([]);

    // Work the incident: the first step done, a note in the timeline, then closed with root cause and lessons.
    await checklist.getByText(/Revoke the account's sessions/).click();
    await expect.poll(() => checklist.getByRole('listitem').first().innerText()).toMatch(/done .* by you/);
    const timeline = page.getByRole('region', { name: 'Timeline' });
    await timeline.getByLabel('What happened or was done').fill(`Called ${target}: the guesses were not theirs.`);
    await timeline.getByRole('button', { name: 'Add' }).click();
    await expect.poll(() => timeline.innerText()).toMatch(/the guesses were not theirs/);
    const closing = page.getByRole('form', { name: 'Close the incident' });
    await closing.getByLabel('Root cause').fill('Password guessing from outside against a shop-floor account.');
    await closing.getByLabel('Lessons learned').fill('Lockout held; move the account to badge and PIN.');
    await closing.getByRole('button', { name: 'Close the incident' }).click();
    await expect.poll(() => page.getByRole('region', { name: 'Summary' }).innerText()).toMatch(/State\s+closed/);
    expect(await page.getByRole('form', { name: 'Close the incident' }).count()).toBe(0);
    await screenshot(page, 'security-incident-closed');
    expect(problems).toEqual([]);
  });

  it('a security officer tunes the password-spraying rule (threshold and window) and the rule list shows it tuned; the backups tab shows the backup status and drills', async () => {
    const { page, problems } = await watchedPage(plant);
    await signIn(plant, page, 'security-officer');
    await page.goto(`${plant.url}/security/center?tab=rules`);
    const row = page.getByRole('row').filter({ hasText: 'password-spraying' });
    await row.waitFor();
    expect(await row.innerText()).toMatch(/default/);
    await row.getByRole('button', { name: 'Tune' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Threshold').fill('8');
    await dialog.getByLabel('Window (seconds)').fill('1800');
    await screenshot(page, 'security-rule-tuning');
    expect(await accessibilityViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Save tuning' }).click();
    await expect.poll(() => page.getByRole('status').first().innerText()).toMatch(/tuned/);
    await expect.poll(() => row.innerText()).toMatch(/\btuned\b/);
    expect(await row.innerText()).toMatch(/\b8\b[\s\S]*30 min/);

    await page.getByRole('tab', { name: 'Backups and drills' }).click();
    await page.getByRole('region', { name: 'Backup status' }).getByText('Last passed drill').waitFor();
    await page.getByRole('region', { name: 'Restore drills' }).waitFor();
    await screenshot(page, 'security-backups');
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
  });
});
