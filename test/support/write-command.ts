import { Type } from '@sinclair/typebox';
import { defineCommand } from '../../src/kernel/pipeline/types.js';

/** A command that only appends an audit record (who wrote, which number): load for tests of the log itself. */
export const testWriteCommand = defineCommand({
  name: 'test.write',
  summary: 'test write',
  input: Type.Object({ writer: Type.Optional(Type.String()), n: Type.Integer() }),
  output: Type.Object({ writer: Type.Optional(Type.String()), n: Type.Integer() }),
  errors: [],
  permission: 'test.write',
  internal: true,
  handler(ctx, input) {
    ctx.note(input);
    return Promise.resolve(input);
  },
});
