import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UI_PATHS } from '../src/http/ui.js';
import type { TestBastion } from './support/bastion.js';
import { httpTestBastion } from './support/http.js';

// The built web application (npm run build writes dist/web before the suite runs) as Bastion serves it.
describe('serving the web application', () => {
  let t: TestBastion;
  let app: FastifyInstance;
  beforeAll(async () => {
    ({ t, app } = await httpTestBastion());
  });
  afterAll(async () => {
    await app?.close();
    await t?.destroy();
  });

  it('answers every screen address with the page, never cached, under a CSP without inline script or style', async () => {
    for (const path of UI_PATHS.map((p) => p.replace('*', 'some/screen'))) {
      const page = await app.inject({ url: path });
      expect(page.statusCode, path).toBe(200);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.headers['cache-control']).toBe('no-store');
      expect(page.body).toContain('<div id="root"></div>');
      const csp = String(page.headers['content-security-policy']);
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain('unsafe-eval');
    }
  });

  it('serves each built asset the page names, immutable, and nothing that is not one', async () => {
    const page = (await app.inject({ url: '/' })).body;
    const named = [...page.matchAll(/(?:src|href)="\/assets\/([^"]+)"/g)].map((m) => m[1]!);
    expect(named.length).toBeGreaterThanOrEqual(2);
    for (const file of named) {
      const asset = await app.inject({ url: `/assets/${file}` });
      expect(asset.statusCode, file).toBe(200);
      expect(asset.headers['cache-control']).toContain('immutable');
    }
    const built = readdirSync(join(import.meta.dirname, '..', 'dist', 'web', 'assets'));
    expect(named.every((file) => built.includes(file))).toBe(true);
    for (const probe of ['../index.html', '..%2F..%2Fpackage.json', 'nothing.js', 'index.html']) {
      const refused = await app.inject({ url: `/assets/${probe}` });
      expect(refused.statusCode, probe).toBe(404);
      expect(refused.headers['content-type']).toContain('application/problem+json');
    }
  });

  it('answers the page to a browser whose session ended, and clears its dead cookie', async () => {
    const stale = { cookie: `__Host-bastion_session=${'A'.repeat(43)}` };
    const page = await app.inject({ url: '/orders', headers: stale });
    expect(page.statusCode).toBe(200);
    expect(page.headers['set-cookie']).toMatch(/^__Host-bastion_session=; .*Max-Age=0/);
    const me = await app.inject({ url: '/api/auth/me', headers: stale });
    expect(me.statusCode).toBe(401);
    expect(me.headers['set-cookie']).toMatch(/Max-Age=0/);
  });

  it('keeps an unknown API address a 404 problem rather than the page', async () => {
    const unknown = await app.inject({ url: '/api/no-such-thing' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['content-type']).toContain('application/problem+json');
  });
});
