import { Type, type Static } from '@sinclair/typebox';
import { ConflictError, NotFoundError, ValidationError } from '../../kernel/errors.js';
import { newId } from '../../kernel/ids.js';
import { type CommandContext } from '../../kernel/pipeline/types.js';
import { defineCommand } from './db.js';
import { requireNode } from '../plant/index.js';
import { materialByCode, materialCode, type Operation } from './definitions.js';
import { orderByNumber, orderView, type OrderRow } from './order-queries.js';

const orderNumber = Type.String({
  pattern: '^[A-Z0-9][A-Z0-9._-]{0,39}$',
  description: 'an order number: upper-case letters, digits, dot, dash, underscore',
});
const linePath = Type.String({
  pattern: '^/[a-z0-9][a-z0-9._/-]*$',
  maxLength: 300,
  description: 'the plant path of the line',
});
const quantity = Type.Number({ minimum: 0, maximum: 1e9 });

/** Order states and the transitions each command may make; anything else is refused (21 CFR 11.10(f)). */
const ORDER_MOVES: Record<string, { from: string[]; to: string }> = {
  release: { from: ['created'], to: 'released' },
  dispatch: { from: ['released'], to: 'dispatched' },
  close: { from: ['completed'], to: 'closed' },
};

function move(order: OrderRow, action: keyof typeof ORDER_MOVES): string {
  const rule = ORDER_MOVES[action]!;
  if (!rule.from.includes(order.state))
    throw new ConflictError(
      `Work order ${order.number} is ${order.state}; it cannot ${action} (only from ${rule.from.join(' or ')}).`,
      'illegal_transition',
    );
  return rule.to;
}

async function setOrderState(ctx: CommandContext, order: OrderRow, state: string, extra: Partial<OrderRow> = {}) {
  await ctx.tx
    .updateTable('production_orders')
    .set({ state, ...extra })
    .where('id', '=', order.id)
    .execute();
  ctx.setTarget({ type: 'production.order', id: order.id });
  ctx.note({ number: order.number, from: order.state, to: state });
  ctx.emit(`production.order-${state}`, { orderId: order.id, number: order.number });
}

const orderInput = Type.Object(
  {
    number: orderNumber,
    product: materialCode,
    quantity: Type.Number({ exclusiveMinimum: 0, maximum: 1e9 }),
    erpReference: Type.Optional(Type.String({ maxLength: 100 })),
  },
  { additionalProperties: false },
);

async function insertOrder(ctx: CommandContext, input: Static<typeof orderInput>): Promise<OrderRow> {
  const product = await materialByCode(ctx.tx, input.product);
  if (product.kind === 'raw')
    throw new ValidationError(`${input.product} is a raw material; orders make intermediates or finished goods.`, [
      { path: '/product', message: 'is a raw material' },
    ]);
  const row: OrderRow = {
    id: newId(),
    number: input.number,
    material_id: product.id,
    definition_id: null,
    quantity: input.quantity,
    line_path: null,
    state: 'created',
    good_quantity: 0,
    scrap_quantity: 0,
    erp_reference: input.erpReference ?? null,
    created_at: ctx.now,
    closed_at: null,
  };
  await ctx.tx.insertInto('production_orders').values(row).execute();
  return row;
}

const findOrder = (ctx: CommandContext, number: string) =>
  ctx.tx.selectFrom('production_orders').selectAll().where('number', '=', number).executeTakeFirst();

export const createOrder = defineCommand({
  name: 'production.order.create',
  summary: 'Create a work order',
  input: orderInput,
  permission: 'production.orders.plan',
  async handler(ctx, input) {
    if (await findOrder(ctx, input.number))
      throw new ConflictError(`Work order ${input.number} exists already.`, 'order_exists');
    const row = await insertOrder(ctx, input);
    ctx.setTarget({ type: 'production.order', id: row.id });
    ctx.note({ number: row.number, product: input.product, quantity: row.quantity });
    return orderView(row);
  },
});

/**
 * Imports planned orders from an ERP as one all-or-nothing batch. Sending the same file again changes nothing
 * (an order that exists with the same product, quantity and ERP reference is reported as unchanged); an order
 * number that exists with other content is a conflict, and then no order of the batch is created.
 */
export const importOrders = defineCommand({
  name: 'production.order.import',
  summary: 'Import work orders from an ERP (JSON, all or nothing, safe to resend)',
  input: Type.Object(
    {
      source: Type.String({ minLength: 1, maxLength: 100, description: 'the sending system, e.g. SAP-PRD' }),
      orders: Type.Array(orderInput, { minItems: 1, maxItems: 5000 }),
    },
    { additionalProperties: false },
  ),
  permission: 'production.orders.plan',
  async handler(ctx, input) {
    const numbers = input.orders.map((o) => o.number);
    const twice = numbers.find((n, i) => numbers.indexOf(n) !== i);
    if (twice) throw new ValidationError(`Order ${twice} appears twice.`, [{ path: '/orders', message: 'duplicate' }]);
    const created: string[] = [];
    const unchanged: string[] = [];
    for (const [i, order] of input.orders.entries()) {
      const existing = await findOrder(ctx, order.number);
      if (!existing) {
        await insertOrder(ctx, order).catch((error: unknown) => {
          if (error instanceof ValidationError || error instanceof NotFoundError)
            throw new ValidationError(`Order ${order.number}: ${error.message}`, [
              { path: `/orders/${i}`, message: error.message },
            ]);
          throw error;
        });
        created.push(order.number);
      } else if (
        existing.quantity === order.quantity &&
        existing.erp_reference === (order.erpReference ?? null) &&
        (await materialByCode(ctx.tx, order.product)).id === existing.material_id
      )
        unchanged.push(order.number);
      else throw new ConflictError(`Work order ${order.number} exists with other content.`, 'order_exists');
    }
    ctx.setTarget({ type: 'production.import', id: input.source });
    ctx.note({ source: input.source, created: created.length, unchanged: unchanged.length });
    if (created.length) ctx.emit('production.orders-imported', { source: input.source, created });
    return { source: input.source, created, unchanged };
  },
});

/** Release binds the product version released at that moment; its routing becomes the order's operations. */
export const releaseOrder = defineCommand({
  name: 'production.order.release',
  summary: 'Release a work order with the released product version',
  input: Type.Object({ number: orderNumber }, { additionalProperties: false }),
  permission: 'production.orders.plan',
  async handler(ctx, input) {
    const order = await orderByNumber(ctx.tx, input.number);
    const state = move(order, 'release');
    const definition = await ctx.tx
      .selectFrom('production_definitions')
      .selectAll()
      .where('material_id', '=', order.material_id)
      .where('state', '=', 'released')
      .executeTakeFirst();
    if (!definition)
      throw new ConflictError('The product has no released version to make it by.', 'no_released_definition');
    const routing = JSON.parse(definition.routing) as Operation[];
    await ctx.tx
      .insertInto('production_order_operations')
      .values(
        routing.map((op) => ({
          order_id: order.id,
          sequence: op.sequence,
          name: op.name,
          work_cell: op.workCell,
          state: 'pending',
          good_quantity: 0,
          scrap_quantity: 0,
          started_at: null,
          completed_at: null,
        })),
      )
      .execute();
    await setOrderState(ctx, order, state, { definition_id: definition.id });
    ctx.note({ definitionVersion: definition.version });
    return { ...orderView(order), state };
  },
});

export const dispatchOrder = defineCommand({
  name: 'production.order.dispatch',
  summary: 'Dispatch a released work order to a line',
  input: Type.Object({ number: orderNumber, line: linePath }, { additionalProperties: false }),
  permission: 'production.orders.plan',
  scope: (input) => input.line,
  async handler(ctx, input) {
    const order = await orderByNumber(ctx.tx, input.number);
    const state = move(order, 'dispatch');
    const line = await requireNode(ctx.tx, input.line);
    if (line.level !== 'line' && line.level !== 'process-cell')
      throw new ValidationError(`Orders are dispatched to a line or process cell, not a ${line.level}.`, [
        { path: '/line', message: `is a ${line.level}` },
      ]);
    await setOrderState(ctx, order, state, { line_path: line.path });
    return { ...orderView(order), state, line: line.path };
  },
});

export const closeOrder = defineCommand({
  name: 'production.order.close',
  summary: 'Close a completed work order',
  input: Type.Object({ number: orderNumber }, { additionalProperties: false }),
  permission: 'production.orders.plan',
  async handler(ctx, input) {
    const order = await orderByNumber(ctx.tx, input.number);
    const state = move(order, 'close');
    await setOrderState(ctx, order, state, { closed_at: ctx.now });
    return { ...orderView(order), state };
  },
});

/** Shop-floor commands name the line they act at; it must be the order's line, so scopes are checked truly. */
const atLine = Type.Object(
  { number: orderNumber, line: linePath, sequence: Type.Integer({ minimum: 1 }) },
  { additionalProperties: false },
);

async function operationAt(ctx: CommandContext, input: { number: string; line: string; sequence: number }) {
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
    if (input.scrap > 0 && !input.scrapReason)
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

export const orderCommands = [
  createOrder,
  importOrders,
  releaseOrder,
  dispatchOrder,
  closeOrder,
  operationCommand('start'),
  operationCommand('pause'),
  operationCommand('resume'),
  operationCommand('complete'),
  reportQuantities,
];
