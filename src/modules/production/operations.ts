import { Type } from '@sinclair/typebox';
import { ConflictError, NotFoundError, ValidationError } from '../../kernel/errors.js';
import { type CommandContext } from '../../kernel/pipeline/types.js';
import { defineCommand, type Database } from './db.js';
import { orderByNumber } from './order-queries.js';
import { linePath, orderNumber } from './orders.js';

/** Shop-floor steps on a dispatched order's operations: start, pause, resume, complete, and quantity reports. */
const quantity = Type.Number({ minimum: 0, maximum: 1e9 });

/** Shop-floor commands name the line they act at; it must be the order's line, so scopes are checked truly. */
const atLine = Type.Object(
  { number: orderNumber, line: linePath, sequence: Type.Integer({ minimum: 1 }) },
  { additionalProperties: false },
);

async function operationAt(ctx: CommandContext<Database>, input: { number: string; line: string; sequence: number }) {
  const order = await orderByNumber(ctx.tx, input.number);
  if (order.line_path !== input.line)
    throw new ConflictError(
      `Work order ${order.number} runs on ${order.line_path ?? 'no line yet'}, not ${input.line}.`,
      'wrong_line',
    );
  const operation = await ctx.tx
    .selectFrom('production_order_operations')
    .selectAll()
    .where('order_id', '=', order.id)
    .where('sequence', '=', input.sequence)
    .executeTakeFirst();
  if (!operation) throw new NotFoundError(`Work order ${order.number} has no operation ${input.sequence}.`);
  ctx.setTarget({ type: 'production.order', id: order.id });
  ctx.note({ number: order.number, sequence: input.sequence });
  return { order, operation };
}

const OPERATION_MOVES: Record<string, { from: string; to: string }> = {
  start: { from: 'pending', to: 'running' },
  pause: { from: 'running', to: 'paused' },
  resume: { from: 'paused', to: 'running' },
  complete: { from: 'running', to: 'completed' },
};

const operationCommand = (action: keyof typeof OPERATION_MOVES) =>
  defineCommand({
    name: `production.operation.${action}`,
    summary: `${action[0]!.toUpperCase()}${action.slice(1)} an operation of a work order`,
    input: atLine,
    output: Type.Object(
      { number: Type.String(), sequence: Type.Integer(), state: Type.String(), orderState: Type.String() },
      { additionalProperties: false },
    ),
    errors: ['not_found', 'wrong_line', 'illegal_transition', 'sequence_enforced'],
    http: { method: 'POST', url: `/api/orders/operations/${action}` },
    permission: 'production.orders.execute',
    scope: (input) => input.line,
    async handler(ctx, input) {
      const { order, operation } = await operationAt(ctx, input);
      const rule = OPERATION_MOVES[action]!;
      if (!['dispatched', 'running'].includes(order.state))
        throw new ConflictError(`Work order ${order.number} is ${order.state}.`, 'illegal_transition');
      if (operation.state !== rule.from)
        throw new ConflictError(
          `Operation ${operation.sequence} is ${operation.state}; it cannot ${action}.`,
          'illegal_transition',
        );
      if (action === 'start') {
        const earlier = await ctx.tx
          .selectFrom('production_order_operations')
          .select('sequence')
          .where('order_id', '=', order.id)
          .where('sequence', '<', operation.sequence)
          .where('state', '<>', 'completed')
          .executeTakeFirst();
        if (earlier)
          throw new ConflictError(`Operation ${earlier.sequence} must be completed first.`, 'sequence_enforced');
      }
      const stamp =
        action === 'start' ? { started_at: ctx.now } : action === 'complete' ? { completed_at: ctx.now } : {};
      await ctx.tx
        .updateTable('production_order_operations')
        .set({ state: rule.to, ...stamp })
        .where('order_id', '=', order.id)
        .where('sequence', '=', operation.sequence)
        .execute();
      const open = await ctx.tx
        .selectFrom('production_order_operations')
        .select('sequence')
        .where('order_id', '=', order.id)
        .where('state', '<>', 'completed')
        .executeTakeFirst();
      const orderState = open ? 'running' : 'completed';
      if (orderState !== order.state)
        await ctx.tx.updateTable('production_orders').set({ state: orderState }).where('id', '=', order.id).execute();
      ctx.note({ operationState: rule.to, orderState });
      return { number: order.number, sequence: operation.sequence, state: rule.to, orderState };
    },
  });

/** Good and scrap counts on a running operation; never negative; a retry with the same Idempotency-Key counts once. */
export const reportQuantities = defineCommand({
  name: 'production.operation.report',
  summary: 'Report good and scrap quantities on a running operation',
  input: Type.Object(
    {
      number: orderNumber,
      line: linePath,
      sequence: Type.Integer({ minimum: 1 }),
      good: quantity,
      scrap: quantity,
      scrapReason: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    },
    { additionalProperties: false },
  ),
  output: Type.Object(
    { number: Type.String(), sequence: Type.Integer(), good: Type.Number(), scrap: Type.Number() },
    { additionalProperties: false },
  ),
  errors: ['not_found', 'wrong_line', 'illegal_transition', 'validation_failed'],
  http: { method: 'POST', url: '/api/orders/operations/report' },
  permission: 'production.orders.execute',
  scope: (input) => input.line,
  async handler(ctx, input) {
    const { order, operation } = await operationAt(ctx, input);
    if (operation.state !== 'running')
      throw new ConflictError(
        `Operation ${operation.sequence} is ${operation.state}; report on a running operation.`,
        'illegal_transition',
      );
    if (input.good + input.scrap === 0) throw new ValidationError('Report at least one good or scrapped unit.');
    if (input.scrap > 0 && (input.scrapReason === undefined || input.scrapReason === ''))
      throw new ValidationError('Scrap needs a reason.', [
        { path: '/scrapReason', message: 'required when scrap > 0' },
      ]);
    await ctx.tx
      .updateTable('production_order_operations')
      .set({
        good_quantity: operation.good_quantity + input.good,
        scrap_quantity: operation.scrap_quantity + input.scrap,
      })
      .where('order_id', '=', order.id)
      .where('sequence', '=', operation.sequence)
      .execute();
    const last = await ctx.tx
      .selectFrom('production_order_operations')
      .select((eb) => eb.fn.max('sequence').as('s'))
      .where('order_id', '=', order.id)
      .executeTakeFirstOrThrow();
    if (Number(last.s) === operation.sequence) {
      await ctx.tx
        .updateTable('production_orders')
        .set({ good_quantity: order.good_quantity + input.good, scrap_quantity: order.scrap_quantity + input.scrap })
        .where('id', '=', order.id)
        .execute();
    }
    ctx.note({ good: input.good, scrap: input.scrap, scrapReason: input.scrapReason ?? null });
    return {
      number: order.number,
      sequence: operation.sequence,
      good: operation.good_quantity + input.good,
      scrap: operation.scrap_quantity + input.scrap,
    };
  },
});

export const operationCommands = [
  operationCommand('start'),
  operationCommand('pause'),
  operationCommand('resume'),
  operationCommand('complete'),
  reportQuantities,
];
