import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accessibilityViolations,
  screenshot,
  signIn,
  startDemoPlant,
  watchedPage,
  type DemoPlant,
} from '../support/e2e.js';

// Sign-in in Debian's Chromium: the notice, the one-time password, the authenticator enrolment with its QR code.
describe('signing in to the web application', () => {
  let plant: DemoPlant;
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
    const admin = await signIn(plant, page, 'administrator');
    expect(admin.totpSecret).toMatch(/^[A-Z2-7]+=*$/);
    await expect.poll(() => page.getByRole('navigation', { name: 'Main' }).innerText()).toContain('Users and access');
    await screenshot(page, 'home-administrator');
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
  });
});
