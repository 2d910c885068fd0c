import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accessibilityViolations,
  freshTotp,
  screenshot,
  signIn,
  startDemoPlant,
  watchedPage,
  type DemoPlant,
} from '../support/e2e.js';

/** Waits on a condition; signing hashes a password (argon2id), which takes seconds on a busy machine. */
const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 30_000, interval: 200 });

// Issue 13 §7: recipes in the browser — versions, masked values, a change approved with an electronic signature.
describe('recipes in the web application', () => {
  let plant: DemoPlant;
  beforeAll(async () => {
    plant = await startDemoPlant();
  });
  afterAll(async () => {
    await plant?.stop();
  });

  it("a process engineer's recipe change is approved by a second person with an e-signature", async () => {
    const engineer = await watchedPage(plant);
    const page = engineer.page;
    await signIn(plant, page, 'process-engineer');
    await page.goto(`${plant.url}/recipes`);
    const list = page.getByRole('table', { name: 'Master recipes' });
    await poll(() => list.getByRole('row', { name: /RCP-WELD-RIM/ }).innerText()).toMatch(/v1.*Effective/s);
    await screenshot(page, 'recipes-list');
    expect(await accessibilityViolations(page)).toEqual([]);

    await list.getByRole('link', { name: 'RCP-WELD-RIM' }).click();
    const versions = page.getByRole('table', { name: 'Versions of RCP-WELD-RIM, oldest first' });
    await poll(() => versions.getByRole('row', { name: /v1/ }).innerText()).toMatch(
      /Effective[\s\S]*Sealed[\s\S]*Signed by Quinn Quality \(quinn\), meaning: approved/,
    );
    await screenshot(page, 'recipe-versions');
    expect(await accessibilityViolations(page)).toEqual([]);

    // Drafting starts from the full values, whose reading is audited with its reason.
    await page.getByLabel('Why do you need the full values?').fill('prepare the flash time change');
    await page.getByRole('button', { name: 'Read full values' }).click();
    await page.getByRole('note').filter({ hasText: 'This read is in the audit trail' }).waitFor();
    await page.getByLabel('Set point of flash time').fill('2.6');
    await page.getByLabel('Reason for the new version').fill('Longer flash time for the thicker rim wall');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.getByRole('button', { name: 'Submit version 2 for review' }).click();
    await poll(() => page.getByRole('status').allInnerTexts()).toContainEqual(
      expect.stringContaining('Version 2 is in review: it needs 1 approval'),
    );
    const diff = page.getByRole('table', { name: 'Version 1 against version 2 (values masked)' });
    await poll(() => diff.getByRole('row', { name: /flash time/ }).innerText()).toContain('Changed');
    expect(await diff.getByRole('row', { name: /weld current/ }).innerText()).toContain('Same');
    await screenshot(page, 'recipe-diff');
    expect(await accessibilityViolations(page)).toEqual([]);

    // The author finds the change in the queue, but among those someone else must approve.
    await page.goto(`${plant.url}/recipes/approvals`);
    const othersOf = page.getByRole('table', { name: 'Versions in review you cannot approve' });
    await poll(() => othersOf.getByRole('row', { name: /RCP-WELD-RIM v2/ }).innerText()).toContain(
      'You authored it: another person must approve it.',
    );
    expect(await page.getByRole('button', { name: 'Approve RCP-WELD-RIM v2' }).count()).toBe(0);

    const second = await watchedPage(plant);
    const quinn = await signIn(plant, second.page, 'quality');
    await second.page.goto(`${plant.url}/recipes/approvals`);
    const mine = second.page.getByRole('table', { name: 'Versions you may approve' });
    await poll(() => mine.getByRole('row', { name: /RCP-WELD-RIM v2/ }).innerText()).toMatch(
      /Longer flash time[\s\S]*pete[\s\S]*0 of 1 given/,
    );
    await mine.getByRole('button', { name: 'Approve RCP-WELD-RIM v2' }).click();
    const dialog = second.page.getByRole('dialog', { name: 'Approve RCP-WELD-RIM version 2' });
    await dialog.getByLabel('Your user name').fill(quinn.username);
    await dialog.getByLabel('Your password').fill(quinn.password);
    if (quinn.totpSecret !== undefined)
      await dialog.getByLabel('Code from your authenticator app').fill(await freshTotp(quinn));
    await screenshot(second.page, 'recipe-approval');
    expect(await accessibilityViolations(second.page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Sign and approve' }).click();
    await poll(() => second.page.getByRole('status').allInnerTexts()).toContainEqual(
      'Version 2 of RCP-WELD-RIM is approved and sealed (1 signature).',
    );

    // The version now carries the signature manifestation, for the author as for anyone.
    await page.goto(`${plant.url}/recipes/RCP-WELD-RIM?version=2`);
    await poll(() => versions.getByRole('row', { name: /v2/ }).innerText()).toMatch(
      /Approved[\s\S]*Sealed[\s\S]*Longer flash time[\s\S]*pete[\s\S]*Signed by Quinn Quality \(quinn\), meaning: approved, at \d/,
    );
    await page.getByRole('button', { name: 'Make version 2 effective' }).click();
    await poll(() => page.getByRole('status').allInnerTexts()).toContainEqual(
      'Version 2 is effective (seal verified); version 1 is superseded.',
    );
    expect(engineer.problems).toEqual([]);
    expect(second.problems).toEqual([]);
  }, 300_000);

  it('a reader without recipe clearance sees every value masked and no way to read them in full', async () => {
    const { page, problems } = await watchedPage(plant);
    await signIn(plant, page, 'auditor');
    await page.goto(`${plant.url}/recipes/RCP-TURN-HUB`);
    const parameters = page.getByRole('table', { name: 'Parameters of version 1 (values masked)' });
    await poll(() => parameters.getByRole('row', { name: /spindle speed/ }).innerText()).toMatch(
      /hidden: needs recipe clearance[\s\S]*hidden: needs recipe clearance[\s\S]*hidden: needs recipe clearance/,
    );
    expect(await page.getByText('2400').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Read full values' }).count()).toBe(0);
    expect(await page.getByText('Values are hidden: reading them needs recipe clearance').count()).toBe(1);
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
  }, 180_000);
});
