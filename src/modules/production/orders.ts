import { Type, type Static } from '@sinclair/typebox';
import { ConflictError, NotFoundError, ValidationError } from '../../kernel/errors.js';
import { newId } from '../../kernel/ids.js';
import { type CommandContext } from '../../kernel/pipeline/types.js';
import { defineCommand, type Database } from './db.js';
import { requireNode } from '../plant/index.js';
import { materialByCode, materialCode, type Operation } from './definitions.js';
import { orderByNumber, orderOutput, orderView, type OrderRow } from './order-queries.js';
import { withArticle } from '../plant/index.js';

export const orderNumber = Type.String({
  pattern: '^[A-Z0-9][A-Z0-9._-]{0,39}$',
  description: 'an order number: upper-case letters, digits, dot, dash, underscore',
});
export const linePath = Type.String({
  pattern: '^/[a-z0-9][a-z0-9._/-]*$',
  maxLength: 300,
  description: 'the plant path of the line',
});

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

async function setOrderState(
  ctx: CommandContext<Database>,
  order: OrderRow,
  state: string,
  extra: Partial<OrderRow> = {},
) {
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
    due: Type.Optional(Type.String({ format: 'date-time', description: 'when the order is due (ISO-8601)' })),
  },
  { additionalProperties: false },
);

async function insertOrder(ctx: CommandContext<Database>, input: Static<typeof orderInput>): Promise<OrderRow> {
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
    due_at: input.due !== undefined ? Date.parse(input.due) : null,
  };
  await ctx.tx.insertInto('production_orders').values(row).execute();
  return row;
}

const findOrder = (ctx: CommandContext<Database>, number: string) =>
  ctx.tx.selectFrom('production_orders').selectAll().where('number', '=', number).executeTakeFirst();

export const createOrder = defineCommand({
  name: 'production.order.create',
  summary: 'Create a work order',
  input: orderInput,
  output: orderOutput,
  // not_found: no such product; validation_failed: the product is a raw material.
  errors: ['order_exists', 'not_found', 'validation_failed'],
  http: { method: 'POST', url: '/api/orders' },
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
  output: Type.Object(
    { source: Type.String(), created: Type.Array(Type.String()), unchanged: Type.Array(Type.String()) },
    { additionalProperties: false },
  ),
  // An order's missing product is reported as validation_failed; not_found only when comparing an existing one.
  errors: ['validation_failed', 'order_exists', 'not_found'],
  http: { method: 'POST', url: '/api/orders/import' },
  permission: 'production.orders.plan',
  async handler(ctx, input) {
    const numbers = input.orders.map((o) => o.number);
    const twice = numbers.find((n, i) => numbers.indexOf(n) !== i);
    if (twice !== undefined && twice !== '')
      throw new ValidationError(`Order ${twice} appears twice.`, [{ path: '/orders', message: 'duplicate' }]);
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
        existing.due_at === (order.due !== undefined ? Date.parse(order.due) : null) &&
        (await materialByCode(ctx.tx, order.product)).id === existing.material_id
      )
        unchanged.push(order.number);
      else throw new ConflictError(`Work order ${order.number} exists with other content.`, 'order_exists');
    }
    ctx.setTarget({ type: 'production.import', id: input.source });
    ctx.note({ source: input.source, created: created.length, unchanged: unchanged.length });
    if (created.length > 0) ctx.emit('production.orders-imported', { source: input.source, created });
    return { source: input.source, created, unchanged };
  },
});

/** Release binds the product version released at that moment; its routing becomes the order's operations. */
export const releaseOrder = defineCommand({
  name: 'production.order.release',
  summary: 'Release a work order with the released product version',
  input: Type.Object({ number: orderNumber }, { additionalProperties: false }),
  output: orderOutput,
  errors: ['not_found', 'illegal_transition', 'no_released_definition'],
  http: { method: 'POST', url: '/api/orders/release' },
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
  output: orderOutput,
  // not_found: no such order or line; validation_failed: the place is not a line or process cell.
  errors: ['not_found', 'illegal_transition', 'validation_failed'],
  http: { method: 'POST', url: '/api/orders/dispatch' },
  permission: 'production.orders.plan',
  scope: (input) => input.line,
  async handler(ctx, input) {
    const order = await orderByNumber(ctx.tx, input.number);
    const state = move(order, 'dispatch');
    const line = await requireNode(ctx.tx, input.line);
    if (line.level !== 'line' && line.level !== 'process-cell')
      throw new ValidationError(`Orders are dispatched to a line or process cell, not ${withArticle(line.level)}.`, [
        { path: '/line', message: `is ${withArticle(line.level)}` },
      ]);
    await setOrderState(ctx, order, state, { line_path: line.path });
    return { ...orderView(order), state, line: line.path };
  },
});

export const closeOrder = defineCommand({
  name: 'production.order.close',
  summary: 'Close a completed work order',
  input: Type.Object({ number: orderNumber }, { additionalProperties: false }),
  output: orderOutput,
  errors: ['not_found', 'illegal_transition'],
  http: { method: 'POST', url: '/api/orders/close' },
  permission: 'production.orders.plan',
  async handler(ctx, input) {
    const order = await orderByNumber(ctx.tx, input.number);
    const state = move(order, 'close');
    await setOrderState(ctx, order, state, { closed_at: ctx.now });
    return { ...orderView(order), state };
  },
});

export const orderCommands = [createOrder, importOrders, releaseOrder, dispatchOrder, closeOrder];
