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

const ALL = [
  'Operator terminal',
  'Work orders',
  'Performance',
  'Quality',
  'Maintenance',
  'Recipes',
  'Traceability',
  'Approvals',
  'Users and access',
  'Plant model',
  'Devices and events',
  'Audit log',
];

/**
 * What each built-in role's main navigation must show and must not, from the role descriptions: the shop floor
 * runs and reads the line; engineering, quality and maintenance read it and work in their own area; the security
 * officer runs accounts, devices and the audit log but not the line; the auditor reads everything and runs
 * nothing; a vendor sees only the plant model until granted more; an administrator sees every screen.
 * `forbidden`: a screen the role must be refused by the server when it types its address.
 */
const EXPECTED: { role: string; sees: string[]; not: string[]; forbidden?: string }[] = [
  {
    role: 'operator',
    sees: ['Operator terminal', 'Work orders', 'Quality', 'Maintenance', 'Traceability'],
    not: ['Users and access', 'Audit log', 'Devices and events'],
    forbidden: '/admin/users',
  },
  {
    role: 'supervisor',
    sees: ['Operator terminal', 'Work orders', 'Performance', 'Quality'],
    not: ['Users and access', 'Audit log', 'Devices and events'],
    forbidden: '/admin/users',
  },
  {
    role: 'process-engineer',
    sees: ['Recipes', 'Work orders', 'Plant model', 'Traceability'],
    not: ['Operator terminal', 'Users and access', 'Audit log', 'Devices and events'],
    forbidden: '/security/devices',
  },
  {
    role: 'quality',
    sees: ['Quality', 'Work orders', 'Traceability'],
    not: ['Operator terminal', 'Users and access', 'Audit log', 'Devices and events'],
    forbidden: '/admin/users',
  },
  {
    role: 'maintenance',
    sees: ['Maintenance', 'Devices and events', 'Work orders'],
    not: ['Operator terminal', 'Users and access', 'Audit log'],
    forbidden: '/admin/users',
  },
  {
    role: 'security-officer',
    sees: ['Users and access', 'Devices and events', 'Audit log'],
    not: ['Operator terminal', 'Work orders', 'Recipes'],
  },
  {
    role: 'auditor',
    sees: ['Audit log', 'Users and access', 'Devices and events', 'Work orders', 'Quality'],
    not: ['Operator terminal'],
  },
  {
    role: 'vendor',
    sees: ['Plant model'],
    not: ['Operator terminal', 'Work orders', 'Users and access', 'Audit log', 'Devices and events'],
    forbidden: '/admin/users',
  },
  { role: 'administrator', sees: ALL, not: [] },
];

async function navEntries(page: Page): Promise<string[]> {
  const nav = page.getByRole('navigation', { name: 'Main' });
  await nav.getByRole('link', { name: 'Home' }).waitFor();
  return (await nav.getByRole('link').allInnerTexts()).map((t) => t.trim());
}

/** Opens a React Aria Select by its label (inside `scope`) and picks the option whose name matches. */
async function choose(page: Page, form: string, label: string, option: string | RegExp): Promise<void> {
  const trigger = page.getByRole('form', { name: form }).getByRole('button', { name: label });
  // Opened by keyboard: a long list's popover can open over its own button, and the click's release would
  // then pick whatever option lies under the pointer.
  await trigger.focus();
  await page.keyboard.press('Enter');
  await page.getByRole('listbox').waitFor();
  await page.getByRole('option', { name: option }).click();
  await expect.poll(() => trigger.innerText()).toMatch(option);
}

describe('administration and security screens', () => {
  let plant: DemoPlant;
  beforeAll(async () => {
    plant = await startDemoPlant();
  });
  afterAll(async () => {
    await plant?.stop();
  });

  it('each built-in role signs in and sees only what it may in the main navigation, and a forbidden screen shows the server refusal', async () => {
    for (const expected of EXPECTED) {
      const { page, context, problems } = await watchedPage(plant);
      await signIn(plant, page, expected.role);
      const entries = await navEntries(page);
      for (const label of expected.sees) expect(entries, `${expected.role} sees ${label}`).toContain(label);
      for (const label of expected.not) expect(entries, `${expected.role} must not see ${label}`).not.toContain(label);
      await screenshot(page, `home-${expected.role}`);
      if (expected.forbidden !== undefined) {
        await page.goto(`${plant.url}${expected.forbidden}`);
        const alert = page.getByRole('alert');
        await expect.poll(() => alert.first().innerText(), { timeout: 15_000 }).toMatch(/Not allowed: no role grants/);
        expect(await page.getByRole('table').count(), `${expected.role} sees no data`).toBe(0);
      }
      expect(problems, expected.role).toEqual([]);
      await context.close();
    }
  }, 480_000);

  it('administrator creates an account, grants it operator at the rim line, and quarantines and releases the demo device', async () => {
    const { page, problems } = await watchedPage(plant);
    await signIn(plant, page, 'administrator');

    await page.goto(`${plant.url}/admin/users`);
    await page.getByRole('table', { name: 'Accounts' }).getByRole('link', { name: 'oscar' }).waitFor();
    await screenshot(page, 'admin-users');
    expect(await accessibilityViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'Create an account' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create an account' });
    await dialog.getByLabel('User name').fill('nadia');
    await dialog.getByLabel('Display name').fill('Nadia Novak');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await expect.poll(() => page.getByLabel('One-time password of nadia').inputValue()).toMatch(/^\S{12,}$/);
    await page.getByRole('table', { name: 'Accounts' }).getByRole('link', { name: 'nadia' }).click();
    await page.getByRole('heading', { name: 'Account nadia', level: 1 }).waitFor();

    await choose(page, 'Grant a role', 'Role', 'operator');
    await choose(page, 'Grant a role', 'Where', /Rim line \(line\)/);
    await page.getByRole('form', { name: 'Grant a role' }).getByRole('button', { name: 'Grant' }).click();
    const status = page.getByRole('status');
    await expect.poll(() => status.first().innerText()).toMatch(/Granted operator at \/\S+rim-line|sent for approval/);
    if (/Granted/.test(await status.first().innerText()))
      await page
        .getByRole('table', { name: /Roles held/ })
        .getByRole('row', { name: /operator .*rim-line/ })
        .waitFor();
    await screenshot(page, 'admin-user');
    expect(await accessibilityViolations(page)).toEqual([]);

    await page.goto(`${plant.url}/admin/access`);
    await page
      .getByRole('table', { name: 'Roles that can be granted' })
      .getByRole('row', { name: /auditor/ })
      .waitFor();
    await page.getByRole('table', { name: /Access matrix/ }).waitFor();
    await page.getByLabel('Find a permission, command or route').fill('audit.read');
    await expect
      .poll(() =>
        page
          .getByRole('table', { name: /Access matrix/ })
          .getByRole('row')
          .count(),
      )
      .toBeLessThan(5);
    await screenshot(page, 'admin-access');
    expect(await accessibilityViolations(page)).toEqual([]);

    await page.goto(`${plant.url}/admin/plant`);
    await page.getByRole('button', { name: /^Rim line/ }).click();
    await page.getByRole('heading', { name: 'Rim line (line)', level: 2 }).waitFor();
    await screenshot(page, 'admin-plant');
    expect(await accessibilityViolations(page)).toEqual([]);

    await page.goto(`${plant.url}/security/devices`);
    const device = page.getByRole('row', { name: /rim-line-edge/ });
    await device.getByRole('button', { name: 'Quarantine' }).click();
    const quarantine = page.getByRole('dialog', { name: 'Quarantine rim-line-edge' });
    await quarantine.getByLabel('Reason').fill('unexpected firmware seen on the edge node');
    await quarantine.getByRole('button', { name: 'Quarantine rim-line-edge' }).click();
    await expect.poll(() => page.getByRole('status').first().innerText()).toContain('rim-line-edge quarantined');
    await expect.poll(() => device.innerText()).toContain('quarantined');
    await screenshot(page, 'security-devices');
    expect(await accessibilityViolations(page)).toEqual([]);
    await device.getByRole('button', { name: 'Release rim-line-edge' }).click();
    await expect.poll(() => page.getByRole('status').first().innerText()).toContain('rim-line-edge released');
    await expect.poll(() => device.innerText()).toContain('active');

    await page.getByRole('tab', { name: 'Security events' }).click();
    await page
      .getByRole('table', { name: /Security events/ })
      .or(page.getByText('No security event'))
      .first()
      .waitFor();
    await screenshot(page, 'security-events');
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
  }, 240_000);
});
