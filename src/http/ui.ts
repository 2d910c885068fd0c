import { readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { NotFoundError } from '../kernel/errors.js';

/** The built web application (`npm run build`: Vite writes web/ into dist/web); this file is src/http or dist/http. */
const UI_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'web');

/**
 * The addresses of the web application's screens (its router's paths, web/src/router): each answers the same
 * page, which then shows the screen. Listed, not a catch-all, so that an unknown `/api/...` stays a 404 problem.
 */
export const UI_PATHS = [
  '/',
  '/terminal',
  '/operate',
  '/account',
  '/orders',
  '/orders/*',
  '/performance',
  '/quality',
  '/quality/*',
  '/maintenance',
  '/maintenance/*',
  '/recipes',
  '/recipes/*',
  '/trace',
  '/trace/*',
  '/audit',
  '/audit/*',
  '/admin/*',
  '/security/*',
];

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

function read(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch {
    throw new NotFoundError('The web application is not built; run "npm run build".');
  }
}

/** The built assets, listed once: an allowlist, so nothing but Vite's own output can ever be served from here. */
let assets: Set<string> | undefined;
function assetNames(): Set<string> {
  if (assets === undefined) {
    try {
      assets = new Set(readdirSync(join(UI_DIR, 'assets')).filter((name) => TYPES[extname(name)] !== undefined));
    } catch {
      return new Set();
    }
  }
  return assets;
}

/** The web application: public files only (every call the page makes is authorised like any other). */
export function uiRoutes(app: FastifyInstance): void {
  const config = { permission: 'system.ui' };
  const hide = { hide: true };
  for (const url of UI_PATHS) {
    app.get(url, { config, schema: hide }, async (_request, reply) =>
      // Never cached: a new release must reach the terminal at its next load (the assets it names are hashed).
      reply
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(read(join(UI_DIR, 'index.html'))),
    );
  }
  app.get(
    '/assets/:file',
    { config, schema: { ...hide, params: Type.Object({ file: Type.String({ maxLength: 120 }) }) } },
    async (request, reply) => {
      const { file } = request.params as { file: string };
      if (!assetNames().has(file)) throw new NotFoundError(`No asset ${file}.`);
      return reply
        .type(TYPES[extname(file)]!)
        .header('cache-control', 'public, max-age=31536000, immutable')
        .send(read(join(UI_DIR, 'assets', file)));
    },
  );
}
