import type { Page } from 'playwright-core';
import { signIn, type DemoPlant } from '../../test/support/e2e.js';

/**
 * The operator's screen as the demo operator sees it: interactive once the line's orders are shown as the
 * buttons an operator presses (the data has arrived, not only the page).
 */
export function operatorScreen(plant: DemoPlant) {
  return {
    name: 'operator terminal',
    prepare: async (page: Page) => {
      await signIn(plant, page, 'operator');
    },
    open: async (page: Page) => {
      await page.goto(`${plant.url}/operate`);
      await page
        .getByRole('button', { name: /WO-\d+/ })
        .first()
        .waitFor();
    },
  };
}
