import { Type } from '@sinclair/typebox';
import { SYSTEM_ACTOR, SYSTEM_ORIGIN } from '../../src/kernel/actors.js';
import type { Bastion } from '../../src/app/bastion.js';
import { defineCommand } from '../../src/kernel/pipeline/types.js';

/** A test command that changes nothing but its audit record; internal, so the system actor may run it. */
export function registerNoteCommand(bastion: Bastion): string {
  if (!bastion.permissions.get('test.note')) {
    bastion.permissions.register({ name: 'test.note', description: 'test only' });
    bastion.pipeline.register(
      defineCommand({
        name: 'test.note',
        summary: 'test note',
        input: Type.Object({ n: Type.Integer() }),
        output: Type.Object({ n: Type.Integer() }),
        errors: [],
        permission: 'test.note',
        internal: true,
        handler(ctx, input) {
          ctx.note({ n: input.n });
          return Promise.resolve({ n: input.n });
        },
      }),
    );
  }
  return 'test.note';
}

export async function appendNotes(bastion: Bastion, count: number): Promise<void> {
  const name = registerNoteCommand(bastion);
  for (let n = 0; n < count; n++) await bastion.pipeline.execute(name, { n }, SYSTEM_ACTOR, SYSTEM_ORIGIN);
}

export async function auditCount(bastion: Bastion): Promise<number> {
  const row = await bastion.storage.db
    .selectFrom('audit_records')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
