import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { NotFoundError } from '../kernel/errors.js';

/** The built page (`npm run build` compiles web/ into dist/web); this file is src/http or dist/http. */
const UI_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'web');
/** An allowlist, not a directory: nothing but these files can ever be served from here. */
const FILES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'api.js': 'text/javascript; charset=utf-8',
  'dom.js': 'text/javascript; charset=utf-8',
};

function asset(name: string): Buffer {
  if (FILES[name] === undefined) throw new NotFoundError(`No ${name}.`);
  try {
    return readFileSync(join(UI_DIR, name));
  } catch {
    throw new NotFoundError(`The web page is not built (${name}); run "npm run build".`);
  }
}

/** The browser page: public files only (every call they make is authorised like any other). */
export function uiRoutes(app: FastifyInstance): void {
  const config = { permission: 'system.ui' };
  const schema = { hide: true };
  app.get('/', { config, schema }, async (_request, reply) =>
    reply.type(FILES['index.html']!).send(asset('index.html')),
  );
  app.get(
    '/ui/:file',
    { config, schema: { ...schema, params: Type.Object({ file: Type.String({ maxLength: 40 }) }) } },
    async (request, reply) => {
      const { file } = request.params as { file: string };
      return reply.type(FILES[file] ?? 'text/plain').send(asset(file));
    },
  );
}
