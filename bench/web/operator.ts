import type { Page } from 'playwright-core';
import { signIn, type DemoPlant } from '../../test/support/e2e.js';

/** The operator's screen (filled in once the operator terminal exists): signed in as the demo operator. */
export function operatorScreen(plant: DemoPlant) {
  return {
    name: 'operator terminal',
    prepare: async (page: Page) => {
      await signIn(plant, page, 'operator');
    },
    open: async (page: Page) => {
      await page.goto(`${plant.url}/operate`);
      await page.getByRole('heading', { name: 'Operator terminal' }).waitFor();
    },
  };
}
