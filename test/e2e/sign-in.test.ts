import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accessibilityViolations,
  screenshot,
  signIn,
  startDemoPlant,
  watchedPage,
  type DemoAccount,
  type DemoPlant,
} from '../support/e2e.js';

// Sign-in in Debian's Chromium: the notice, the one-time password, the authenticator enrolment with its QR
// code, recovery codes, sessions, the idle lock.
describe('signing in to the web application', { timeout: 180_000 }, () => {
  let plant: DemoPlant;
  let admin: DemoAccount;
  beforeAll(async () => {
    plant = await startDemoPlant();
  });
  afterAll(async () => {
    await plant?.stop();
  });

  it('shows the system-use notice, then enrols an administrator in TOTP with a QR code and shows the recovery codes once', async () => {
    const { page, problems } = await watchedPage(plant);
    await page.goto(`${plant.url}/`);
    await expect.poll(() => page.getByRole('complementary', { name: 'System-use notice' }).innerText()).toMatch(/\w+/);
    await screenshot(page, 'sign-in');
    expect(await accessibilityViolations(page)).toEqual([]);
    admin = await signIn(plant, page, 'administrator');
    expect(admin.totpSecret).toMatch(/^[A-Z2-7]+=*$/);
    expect(admin.recoveryCodes).toHaveLength(10);
    await expect.poll(() => page.getByRole('navigation', { name: 'Main' }).innerText()).toContain('Users and access');
    await screenshot(page, 'home-administrator');
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('answers a wrong password and an unknown account with the same message, naming neither', async () => {
    const { page, problems } = await watchedPage(plant);
    const attempt = async (username: string) => {
      await page.goto(`${plant.url}/`);
      await page.getByLabel('User name').fill(username);
      await page.getByLabel('Password', { exact: true }).fill('not the password 123');
      await page.getByRole('button', { name: 'Sign in' }).click();
      return page.getByRole('alert').innerText();
    };
    const wrongPassword = await attempt(plant.accounts.get('auditor')!.username);
    const unknownAccount = await attempt('nobody-here');
    expect(wrongPassword).toBe(unknownAccount);
    expect(wrongPassword).not.toMatch(/audrey|nobody|exist|unknown/i);
    expect(problems).toEqual([]);
  });

  it('signs in with a recovery code instead of the authenticator, and the same code is refused the second time', async () => {
    const { page, problems } = await watchedPage(plant);
    const code = admin.recoveryCodes![0]!;
    const withRecoveryCode = async () => {
      await page.goto(`${plant.url}/`);
      await page.getByLabel('User name').fill(admin.username);
      await page.getByLabel('Password', { exact: true }).fill(admin.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
      await page.getByLabel('Recovery code').fill(code);
      await page.getByRole('button', { name: 'Verify' }).click();
    };
    await withRecoveryCode();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await withRecoveryCode();
    await expect.poll(() => page.getByRole('alert').innerText()).toMatch(/\w/);
    expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it('lists my sessions and signs out the session of another browser, which then shows the sign-in', async () => {
    const first = await watchedPage(plant);
    const second = await watchedPage(plant);
    await signIn(plant, first.page, 'quality');
    await signIn(plant, second.page, 'quality');
    await first.page.goto(`${plant.url}/account`);
    const sessions = first.page.getByRole('table', { name: 'My live sessions' });
    await expect.poll(() => sessions.locator('tbody tr').count()).toBeGreaterThanOrEqual(2);
    await screenshot(first.page, 'account-sessions');
    expect(await accessibilityViolations(first.page)).toEqual([]);
    const others = sessions.getByRole('button', { name: /^Sign out the session/ });
    const before = await others.count();
    for (let i = 0; i < before; i++) await others.first().click();
    await expect.poll(() => others.count()).toBe(0);
    await expect.poll(() => sessions.getByText('this browser').count()).toBe(1);

    await second.page.reload();
    await second.page
      .getByRole('button', { name: 'Sign in' })
      .waitFor()
      .catch(async (e: unknown) => {
        await screenshot(second.page, 'debug-second');
        throw new Error(`${String(e)} ${await second.page.content()}`);
      });
    expect([...first.problems, ...second.problems]).toEqual([]);
  });

  it('locks the screen and ends the session after the idle timeout without any activity', async () => {
    const { page, problems } = await watchedPage(plant);
    await page.clock.install();
    await signIn(plant, page, 'maintenance');
    const { idleMinutes } = plant.server.bastion.config.session;
    await page.clock.fastForward(`${idleMinutes}:10`);
    await expect
      .poll(() => page.getByRole('status').innerText())
      .toContain('without activity')
      .catch(async (e: unknown) => {
        await screenshot(page, 'debug-idle');
        throw new Error(`${String(e)} ${await page.content()}`);
      });
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.reload(); // the server ended the session too: a reload does not bring the screens back
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(problems).toEqual([]);
  });
});
