import { Type } from '@sinclair/typebox';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import type { ModuleContext } from '../kernel/module.js';
import type { Actor } from '../kernel/pipeline/types.js';
import { column } from '../kernel/privacy/catalog.js';
import { classified } from '../kernel/privacy/classified.js';
import { installMasking } from './masking.js';

const catalog = {
  people: {
    description: 'test',
    columns: { name: column('restricted', ['personal']), hash: column('confidential', ['credential']) },
  },
  recipes: { description: 'test', columns: { value: column('restricted', ['trade-secret']) } },
};
const name = classified(Type.String(), 'people.name');
const answer = Type.Object({
  person: Type.Union([Type.Object({ name, id: Type.String() }), Type.Null()]),
  list: Type.Array(Type.Object({ name })),
  names: Type.Record(Type.String(), name),
  hash: classified(Type.String(), 'people.hash'),
  secret: classified(Type.Union([Type.Number(), Type.Null()]), 'recipes.value'),
  undeclared: classified(Type.String(), 'nowhere.at_all'),
});
const payload = {
  person: { name: 'Ann', id: 'u1' },
  list: [{ name: 'Bob' }],
  names: { u1: 'Ann' },
  hash: 'h',
  secret: 4.5,
  undeclared: 'x',
};

/** An app whose caller holds the permissions named in the `x-holds` header, answering `payload`. */
async function appHolding() {
  const app = Fastify();
  app.decorateRequest('actor', null as unknown as Actor);
  app.addHook('onRequest', (request, _reply, done) => {
    request.actor = { kind: 'user', id: String(request.headers['x-holds']) } as unknown as Actor;
    done();
  });
  const commands = {
    readScopes: (actor: Actor, permission: string) =>
      Promise.resolve(
        actor.id.split(',').includes(permission) ? { everywhere: true } : { everywhere: false, paths: [] },
      ),
  };
  installMasking(app, { catalog, commands } as unknown as ModuleContext);
  app.get('/x', { schema: { response: { 200: answer } } }, () => Promise.resolve(payload));
  return app;
}

describe('masking in the response layer', () => {
  it('masks personal and trade-secret fields inside unions, arrays and records for a caller without clearance', async () => {
    const app = await appHolding();
    const body = (await app.inject({ url: '/x', headers: { 'x-holds': 'none' } })).json<typeof payload>();
    expect(body).toEqual({
      person: { name: '•••', id: 'u1' },
      list: [{ name: '•••' }],
      names: { u1: '•••' },
      hash: '•••',
      secret: null,
      undeclared: '•••',
    });
    expect(payload.person.name).toBe('Ann'); // the handler's object is copied, never changed
  });

  it('shows each field to the caller holding its clearance, but never a credential or an uncatalogued column', async () => {
    const app = await appHolding();
    const holds = 'privacy.personal.read,recipes.read-secret';
    const body = (await app.inject({ url: '/x', headers: { 'x-holds': holds } })).json<typeof payload>();
    expect(body).toEqual({ ...payload, hash: '•••', undeclared: '•••' });
  });
});
