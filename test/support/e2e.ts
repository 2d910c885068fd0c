import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../src/app/serve.js';
import { loadTls } from '../../src/http/tls.js';
import { loadConfig } from '../../src/kernel/config/load.js';
import { createLogger } from '../../src/kernel/logger.js';
import { testEnvironment } from './bastion.js';
import { launchPinned } from './browser.js';
import { cli } from './cli.js';
import { totpNow } from './http.js';

/** Screenshots of every main screen land here (ignored by git), for a person to look at after a run. */
export const ARTIFACTS = join(import.meta.dirname, '..', '..', 'artifacts', 'screenshots');

export interface DemoAccount {
  username: string;
  role: string;
  password: string;
  /** Set once the account has enrolled an authenticator in the browser. */
  totpSecret?: string;
  /** The recovery codes the enrolment showed (once). */
  recoveryCodes?: string[];
  /** The last TOTP step used: the server refuses a code twice, so the next sign-in waits for a new one. */
  lastStep?: number;
  /** Whatever else `init --demo` printed on the account's line (a badge and PIN, for instance). */
  extra: string[];
}

export interface DemoPlant {
  server: RunningServer;
  browser: Browser;
  url: string;
  env: Record<string, string>;
  dataDir: string;
  accounts: Map<string, DemoAccount>;
  stop(): Promise<void>;
}

/** The demo plant (`init --demo`) served over HTTPS in-process, and Debian's Chromium pinned to its certificate. */
export async function startDemoPlant(
  extraEnv: Record<string, string> = {},
  /** Work on the data directory before the server starts (the CLI with its environment, for instance). */
  beforeServe?: (env: Record<string, string>) => Promise<void>,
): Promise<DemoPlant> {
  const test = await testEnvironment(extraEnv);
  const seeded = await cli(['init', '--demo'], test.env);
  if (seeded.code !== 0) throw new Error(`init --demo failed: ${seeded.stderr}`);
  await beforeServe?.(test.env);
  const accounts = new Map<string, DemoAccount>();
  for (const m of seeded.stdout.matchAll(/^ {2}([a-z]+) +([a-z-]+) +([A-Za-z0-9]{20})(.*)$/gm))
    accounts.set(m[2]!, {
      username: m[1]!,
      role: m[2]!,
      password: m[3]!,
      extra: m[4]!.trim().split(/\s+/).filter(Boolean),
    });
  const port = String(20_000 + Math.floor(Math.random() * 30_000));
  const server = await startServer(
    loadConfig({ env: { ...test.env, BASTION_PORT: port }, cwd: test.dataDir }),
    createLogger('silent'),
  );
  const browser = await launchPinned(loadTls(server.bastion.config).cert);
  return {
    server,
    browser,
    url: server.url,
    env: test.env,
    dataDir: test.dataDir,
    accounts,
    async stop() {
      await browser.close();
      await server.stop('test');
      await test.cleanup();
    },
  };
}

export interface WatchedPage {
  page: Page;
  context: BrowserContext;
  /** Script errors, console errors and CSP violations seen so far; a test expects it empty at its end. */
  problems: string[];
}

/**
 * A fresh browser context (its own cookies) and page, watched for what must never happen: an uncaught script
 * error, a console error, a CSP violation, a 5xx answer. Chromium also logs every 4xx answer as a console
 * error ("Failed to load resource"); those are answers the page handles (a wrong password is a 401), so they
 * are not counted, but a 5xx is.
 */
export async function watchedPage(plant: DemoPlant, viewport = { width: 1366, height: 900 }): Promise<WatchedPage> {
  const context = await plant.browser.newContext({ viewport, timezoneId: 'Europe/Berlin', locale: 'en-GB' });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`script error: ${error.message}`));
  page.on('console', (message) => {
    const text = message.text();
    if (message.type() !== 'error') return;
    if (/^Failed to load resource: the server responded with a status of 4\d\d/.test(text)) return;
    problems.push(`console error: ${text}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 500)
      problems.push(`${response.status()} from ${response.request().method()} ${response.url()}`);
  });
  await context.exposeFunction('__reportCsp', (text: string) => problems.push(`CSP violation: ${text}`));
  // Plain text, as it runs in the page (this file is type-checked without the DOM library).
  await page.addInitScript({
    content: `document.addEventListener('securitypolicyviolation', (event) => {
      globalThis.__reportCsp(event.violatedDirective + ' ' + event.blockedURI + ' ' + event.sample + ' at ' +
        (event.target && event.target.outerHTML ? event.target.outerHTML.slice(0, 120) : ''));
    });`,
  });
  return { page, context, problems };
}

/** The next TOTP code the server has not yet seen for this account (waits for the next 30 s step if needed). */
export async function freshTotp(account: DemoAccount): Promise<string> {
  const secret = account.totpSecret!;
  for (;;) {
    const step = Math.floor(Date.now() / 30_000);
    if (account.lastStep === undefined || step > account.lastStep) {
      account.lastStep = step;
      return totpNow(secret);
    }
    await new Promise((resolve) => setTimeout(resolve, (step + 1) * 30_000 - Date.now() + 50));
  }
}

export const NEW_PASSWORD_OF = (account: DemoAccount) =>
  `line two hums at dawn ${account.role.length} ${account.password.slice(0, 4)}`;

/**
 * Signs in as the demo account of `role` the way its person would: the one-time password and its change at
 * first sign-in, the authenticator enrolment (QR code, first code, recovery codes) when the role needs one,
 * and later a TOTP code. Returns when the shell with its navigation is shown.
 */
export async function signIn(plant: DemoPlant, page: Page, role: string): Promise<DemoAccount> {
  const account = plant.accounts.get(role);
  if (account === undefined) throw new Error(`no demo account for ${role}`);
  await page.goto(`${plant.url}/`);
  await page.getByLabel('User name').fill(account.username);
  await page.getByLabel('Password', { exact: true }).fill(account.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const shell = page.getByRole('navigation', { name: 'Main' });
  const changePassword = page.getByLabel('Repeat the new password');
  const enrol = page.getByRole('button', { name: 'Show the QR code' });
  const verify = page.getByLabel('Code from your authenticator app');
  for (;;) {
    await shell.or(changePassword).or(enrol).or(verify).or(page.getByRole('alert')).first().waitFor();
    if (await shell.isVisible()) return account;
    if (await page.getByRole('alert').isVisible())
      throw new Error(`sign-in refused: ${await page.getByRole('alert').innerText()}`);
    if (await changePassword.isVisible()) {
      const next = NEW_PASSWORD_OF(account);
      await page.getByLabel('Current password').fill(account.password);
      await page.getByLabel('New password', { exact: true }).fill(next);
      await changePassword.fill(next);
      await page.getByRole('button', { name: 'Change password' }).click();
      await refusedOr(page, changePassword);
      account.password = next;
    } else if (await enrol.isVisible()) {
      await enrol.click();
      await page.getByRole('img', { name: /QR code/ }).waitFor();
      account.totpSecret = (await page.getByLabel('Authenticator key').innerText()).trim();
      await verify.fill(await freshTotp(account));
      await page.getByRole('button', { name: 'Confirm' }).click();
      const codes = page.getByRole('list', { name: 'Recovery codes' });
      await codes.waitFor();
      account.recoveryCodes = (await codes.getByRole('listitem').allInnerTexts()).map((c) => c.trim());
      await page.getByRole('button', { name: /I have stored them/ }).click();
    } else if (await verify.isVisible()) {
      await verify.fill(await freshTotp(account));
      await page.getByRole('button', { name: 'Verify' }).click();
      await refusedOr(page, verify);
    }
  }
}

/** Waits until `step` is gone; a refusal the page shows instead ends the wait with its message. */
async function refusedOr(page: Page, step: Locator): Promise<void> {
  const alert = page.getByRole('alert');
  await Promise.race([
    step.waitFor({ state: 'detached' }),
    alert.waitFor().then(async () => {
      throw new Error(`refused: ${await alert.innerText()}`);
    }),
  ]);
}

/** A full-page screenshot in artifacts/screenshots/NAME.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** WCAG 2.1 A and AA findings of axe-core on the page as it is now (one line per violation). */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations.map(
    (v) =>
      `${v.id} (${v.impact ?? 'n/a'}): ${v.help} — ${v.nodes
        .map((n) => n.target.join(' '))
        .slice(0, 3)
        .join(', ')}`,
  );
}

/**
 * An API call made by the signed-in page itself: its session cookie, its pinned certificate, and for a state
 * change the CSRF token `/api/auth/me` gives that cookie — as the page's own code does. `json` is the parsed
 * body (undefined when it is not JSON).
 */
export async function pageApi(
  page: Page,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<{ status: number; text: string; json: unknown }> {
  const answer = await page.evaluate(
    async (call) => {
      const headers: Record<string, string> = {};
      if (call.method === 'POST') {
        const me = (await (await fetch('/api/auth/me')).json()) as { csrfToken: string };
        headers['content-type'] = 'application/json';
        headers['x-csrf-token'] = me.csrfToken;
      }
      const response = await fetch(call.path, {
        method: call.method,
        credentials: 'same-origin',
        headers,
        ...(call.method === 'POST' ? { body: JSON.stringify(call.body ?? {}) } : {}),
      });
      return { status: response.status, text: await response.text() };
    },
    { method, path, body },
  );
  let json: unknown;
  try {
    json = JSON.parse(answer.text);
  } catch {
    json = undefined;
  }
  return { ...answer, json };
}
