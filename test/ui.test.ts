import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/app/serve.js';
import { loadTls } from '../src/http/tls.js';
import { loadConfig } from '../src/kernel/config/load.js';
import { createLogger } from '../src/kernel/logger.js';
import { testEnvironment } from './support/bastion.js';
import { cli } from './support/cli.js';
import { testDialect } from './support/database.js';
import { launchPinned } from './support/browser.js';

/** The little of the DOM these checks touch (this file is type-checked without the DOM library). */
interface PageGlobals {
  document: {
    querySelector(selector: string): { complete: boolean; naturalWidth: number } | null;
    getElementById(id: string): { hidden: boolean; textContent: string | null } | null;
  };
}

// The browser page, in Debian's Chromium: log in with a one-time password, change it, see the charts.
describe(`the browser page (${testDialect})`, () => {
  let cleanup: () => Promise<void>;
  let server: RunningServer;
  let browser: Browser;
  let supervisor: { username: string; password: string };

  beforeAll(async () => {
    const test = await testEnvironment();
    cleanup = test.cleanup;
    const seeded = await cli(['init', '--demo'], test.env);
    const line = [...seeded.stdout.matchAll(/^ {2}(\S+) +supervisor +([A-Za-z0-9]{20})$/gm)][0]!;
    supervisor = { username: line[1]!, password: line[2]! };
    const port = String(20_000 + Math.floor(Math.random() * 30_000));
    server = await startServer(
      loadConfig({ env: { ...test.env, BASTION_PORT: port }, cwd: test.dataDir }),
      createLogger('silent'),
    );
    browser = await launchPinned(loadTls(server.bastion.config).cert);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop('test');
    await cleanup?.();
  });

  it('logs in, forces the password change, and shows OEE, down time, a control chart and a genealogy graph', async () => {
    const page = await browser.newPage();
    const exceptions: string[] = []; // script errors in the page
    const traffic: string[] = []; // what the page asked for, to explain a failure
    page.on('pageerror', (error) => exceptions.push(error.message));
    page.on('response', (response) =>
      traffic.push(`${response.request().method()} ${response.url()} ${response.status()}`),
    );
    const landing = await page.goto(`${server.url}/`);
    expect(landing?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.fill('#login-form input[name=username]', supervisor.username);
    await page.fill('#login-form input[name=password]', supervisor.password);
    await page.click('#login-form button');
    await page.waitForSelector('#password-form', { state: 'visible' });
    await page.fill('#password-form input[name=newPassword]', 'a lathe hums at dawn 7');
    await page.click('#password-form button');
    await page.waitForSelector('#dashboard', { state: 'visible', timeout: 10_000 }).catch(async (error: unknown) => {
      const state = await page.evaluate(() =>
        ['login-form', 'password-form', 'totp-form', 'dashboard', 'login-error'].map((id) => {
          const element = (globalThis as unknown as PageGlobals).document.getElementById(id);
          return `${id}:${element?.hidden}:${element?.textContent?.slice(0, 80)}`;
        }),
      );
      throw new Error(`${String(error)}; page: ${state.join(' / ')} ${traffic.join(' | ')}`);
    });
    const loaded = (id: string) =>
      page
        .waitForFunction(
          // A function, not a string: the page's CSP forbids eval, which a string predicate would need.
          (selector: string) => {
            const img = (globalThis as unknown as PageGlobals).document.querySelector(selector);
            return img !== null && img.complete && img.naturalWidth > 0;
          },
          `#${id}`,
          { timeout: 10_000 },
        )
        .catch((error: unknown) => {
          throw new Error(`${id} did not load: ${String(error)}; ${traffic.join(' | ')}`);
        });
    await loaded('oee-chart');
    await loaded('pareto-chart');
    await loaded('spc-chart'); // the demo's rim-width chart: the first characteristic listed
    expect(await page.locator('#equipment option').count()).toBeGreaterThan(3);
    await page.fill('#trace-form input[name=lot]', 'W-2002-01');
    await page.click('#trace-form button');
    await loaded('trace-chart');
    expect(await page.getAttribute('#trace-csv', 'href')).toContain('format=csv');
    await page.fill('#trace-form input[name=lot]', 'NOPE-1');
    await page.click('#trace-form button');
    await expect.poll(() => page.textContent('#trace-error')).toContain('No lot NOPE-1');
    expect(exceptions).toEqual([]);
  });

  it('serves only the page’s own files', async () => {
    const page = await browser.newPage({ ignoreHTTPSErrors: true }); // its request API checks TLS on its own
    expect((await page.request.get(`${server.url}/ui/..%2F..%2Fpackage.json`)).status()).toBe(404);
    expect((await page.request.get(`${server.url}/ui/app.js`)).status()).toBe(200);
  });
});
