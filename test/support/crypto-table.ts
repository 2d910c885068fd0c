import { Type } from '@sinclair/typebox';
import type { BastionModule } from '../../src/kernel/module.js';
import { column } from '../../src/kernel/privacy/catalog.js';
import type { FieldCipher } from '../../src/kernel/privacy/cipher.js';
import { defineCommand } from '../../src/kernel/pipeline/types.js';
import type { AnyTables, ReadDb } from '../../src/kernel/store.js';

/**
 * A tiny module for the keyring's tests and bench: a table with an encrypted column under a shared key
 * ('test-secrets'), one under the owner's own key ('test-personal'), a blind index, and commands that write
 * them through the real pipeline. `plain` is the same value unencrypted (the bench's baseline).
 */
export const SECRET = { table: 'test_secrets', column: 'secret', purpose: 'test-secrets' } as const;
const closed = { additionalProperties: false } as const;
const row = (id: string) => ({ table: 'test_secrets', column: 'secret', row: id });
const personal = (id: string) => ({ table: 'test_secrets', column: 'personal', row: id });

const writeInput = Type.Object(
  {
    id: Type.String(),
    owner: Type.String(),
    secret: Type.String(),
    encrypt: Type.Optional(Type.Boolean()),
    /** Also store the value under the owner's own key (default true). */
    personal: Type.Optional(Type.Boolean()),
  },
  closed,
);

function commands(cipher: FieldCipher) {
  const write = defineCommand({
    name: 'test.secret.write',
    summary: 'test: insert a row with sealed fields',
    input: writeInput,
    output: Type.Object({ id: Type.String(), echo: Type.String() }, closed),
    errors: [],
    permission: 'test.secrets',
    internal: true,
    async handler(ctx, input) {
      const plain = input.encrypt === false;
      const secret = plain ? input.secret : await cipher.seal(ctx.tx, input.secret, row(input.id), SECRET);
      const mine =
        input.personal === false
          ? ''
          : plain
            ? input.secret
            : await cipher.seal(ctx.tx, input.secret, personal(input.id), {
                purpose: 'test-personal',
                subject: input.owner,
              });
      const index = plain ? '' : cipher.blindIndex(input.secret, SECRET.purpose);
      await ctx.tx
        .insertInto('test_secrets')
        .values({ id: input.id, owner: input.owner, secret, personal: mine, secret_index: index })
        .execute();
      return { id: input.id, echo: input.secret };
    },
  });
  const update = defineCommand({
    name: 'test.secret.update',
    summary: 'test: replace a row’s sealed secret',
    input: Type.Object({ id: Type.String(), secret: Type.String() }, closed),
    output: Type.Object({ updated: Type.Integer() }, closed),
    errors: [],
    permission: 'test.secrets',
    internal: true,
    async handler(ctx, input) {
      const secret = await cipher.seal(ctx.tx, input.secret, row(input.id), SECRET);
      const result = await ctx.tx
        .updateTable('test_secrets')
        .set({ secret })
        .where('id', '=', input.id)
        .executeTakeFirst();
      return { updated: Number(result.numUpdatedRows) };
    },
  });
  const shred = defineCommand({
    name: 'test.secret.shred',
    summary: 'test: shred an owner’s keys',
    input: Type.Object({ owner: Type.String() }, closed),
    output: Type.Object({ shredded: Type.Integer() }, closed),
    errors: [],
    permission: 'test.secrets',
    internal: true,
    async handler(ctx, input) {
      return { shredded: await cipher.shred(ctx.tx, input.owner, ctx.now) };
    },
  });
  const held = defineCommand({
    name: 'test.secret.held',
    summary: 'test: a command under dual control',
    input: Type.Object({ secret: Type.String() }, closed),
    output: Type.Object({ ok: Type.Boolean() }, closed),
    errors: [],
    permission: 'test.secrets',
    internal: true,
    approvals: () => 1,
    handler: () => Promise.resolve({ ok: true }),
  });
  return [write, update, shred, held];
}

export const secretsModule: BastionModule = {
  name: 'test-secrets',
  permissions: [{ name: 'test.secrets', description: 'test only' }],
  migrations: [
    {
      name: '9000_test_secrets',
      async up(db) {
        await db.schema
          .createTable('test_secrets')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('owner', 'text', (c) => c.notNull())
          .addColumn('secret', 'text', (c) => c.notNull())
          .addColumn('personal', 'text', (c) => c.notNull())
          .addColumn('secret_index', 'text', (c) => c.notNull())
          .execute();
      },
    },
  ],
  catalog: {
    test_secrets: {
      description: 'test only',
      subject: 'owner',
      columns: {
        id: column('internal'),
        owner: column('internal'),
        secret: column('restricted', ['trade-secret'], { purpose: SECRET.purpose }),
        personal: column('restricted', ['personal'], { purpose: 'test-personal', bySubject: true }),
        secret_index: column('confidential', ['trade-secret']),
      },
    },
  },
  commands: (context) => commands(context.cipher),
  routes(app, context) {
    // A read as the API answers it: authenticated, authorised, the row read and its sealed field opened.
    app.get(
      '/api/test-secrets/:id',
      {
        config: { permission: 'test.secrets' },
        schema: {
          params: Type.Object({ id: Type.String() }, closed),
          response: { 200: Type.Object({ id: Type.String(), secret: Type.String() }, closed) },
        },
      },
      async (request) => {
        const { id } = request.params as { id: string };
        const stored = await storedSecret(context.db, id);
        const secret = context.cipher.isSealed(stored) ? await context.cipher.open(stored, row(id)) : stored;
        return { id, secret };
      },
    );
  },
};

export async function storedSecret(db: ReadDb<AnyTables>, id: string): Promise<string> {
  const found = await db.selectFrom('test_secrets').select('secret').where('id', '=', id).executeTakeFirst();
  if (!found) throw new Error(`no row ${id}`);
  return found.secret;
}

export const secretField = row;
export const personalField = personal;
