import { Type } from '@sinclair/typebox';
import type { Kysely, Selectable } from 'kysely';
import type { ReadDb } from '../../kernel/store.js';
import { ConflictError, NotFoundError, ValidationError } from '../../kernel/errors.js';
import { newId } from '../../kernel/ids.js';
import { type CommandContext } from '../../kernel/pipeline/types.js';
import { defineCommand } from './db.js';
import type { Database } from './db.js';
import type { GenealogyTables } from './schema.js';
import { materialByCode, materialCode } from '../production/index.js';
import { bookingTarget } from '../production/index.js';

/*
 * Reads take `ReadDb<DB>` for any `DB` holding the tables they read, and look at it with just those tables:
 * TypeScript compares two `ReadDb` instantiations as invariant in their tables, so a module's handle (with more
 * tables) would not be accepted otherwise, though reading a subset of a handle's tables is always safe.
 */

export const lotNumber = Type.String({
  pattern: '^[A-Z0-9][A-Z0-9._-]{0,59}$',
  description: 'a lot number: upper-case letters, digits, dot, dash, underscore',
});
export const amount = Type.Number({ exclusiveMinimum: 0, maximum: 1e12 });

export type LotRow = Selectable<Database['genealogy_lots']>;

/** Takes only the lot tables, so quality's and recipes' handles can be passed too. */
export async function lotByNumber<DB extends GenealogyTables>(handle: ReadDb<DB>, number: string): Promise<LotRow> {
  const db = handle as unknown as ReadDb<GenealogyTables>;
  const lot = await db.selectFrom('genealogy_lots').selectAll().where('number', '=', number).executeTakeFirst();
  if (!lot) throw new NotFoundError(`No lot ${number}.`);
  return lot;
}

/**
 * The helpers below take the untyped `CommandContext` because other modules (quality, recipes) call them from
 * their own commands, whose handles carry more tables; each narrows the handle to the tables it touches.
 */
const tablesOf = (ctx: CommandContext) => ctx.tx as Kysely<Database>;

export const lotOutput = Type.Object(
  {
    number: Type.String(),
    quantity: Type.Number(),
    available: Type.Number(),
    unit: Type.String(),
    state: Type.String(),
    holdReason: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: false },
);

export function lotView(lot: LotRow) {
  return {
    number: lot.number,
    quantity: lot.quantity,
    available: lot.available,
    unit: lot.unit,
    state: lot.state,
    holdReason: lot.hold_reason,
  };
}

async function assertNewLot(ctx: CommandContext, number: string) {
  const taken = await tablesOf(ctx)
    .selectFrom('genealogy_lots')
    .select('id')
    .where('number', '=', number)
    .executeTakeFirst();
  if (taken)
    throw new ConflictError(
      `Lot ${number} exists already; a lot is made once (so the genealogy has no cycles).`,
      'lot_exists',
    );
}

export const receiveLot = defineCommand({
  name: 'genealogy.lot.receive',
  summary: 'Receive a supplier lot',
  input: Type.Object(
    {
      number: lotNumber,
      material: materialCode,
      quantity: amount,
      supplier: Type.String({ minLength: 1, maxLength: 200 }),
      supplierLot: Type.String({ minLength: 1, maxLength: 100 }),
    },
    { additionalProperties: false },
  ),
  output: lotOutput,
  errors: ['not_found', 'lot_exists'],
  http: { method: 'POST', url: '/api/lots/receive' },
  permission: 'genealogy.receive',
  async handler(ctx, input) {
    const material = await materialByCode(ctx.tx, input.material);
    const lot = await insertLot(ctx, {
      number: input.number,
      material_id: material.id,
      quantity: input.quantity,
      unit: material.unit,
      supplier: input.supplier,
      supplier_lot: input.supplierLot,
    });
    ctx.setTarget({ type: 'genealogy.lot', id: lot.id });
    ctx.note({ number: lot.number, material: material.code, quantity: lot.quantity });
    return lotView(lot);
  },
});

/** Inserts a new lot; its number must be new, so no lot is ever made twice and the genealogy stays acyclic. */
export async function insertLot(
  ctx: CommandContext,
  fields: Pick<LotRow, 'number' | 'material_id' | 'quantity' | 'unit'> & Partial<LotRow>,
): Promise<LotRow> {
  await assertNewLot(ctx, fields.number);
  const lot = {
    id: newId(),
    available: fields.quantity,
    state: 'available',
    hold_reason: null,
    supplier: null,
    supplier_lot: null,
    order_id: null,
    created_at: ctx.now,
    ...fields,
  };
  // The database numbers the key; the links to this lot are made with it.
  const { key } = await tablesOf(ctx)
    .insertInto('genealogy_lots')
    .values(lot)
    .returning('key')
    .executeTakeFirstOrThrow();
  return { ...lot, key };
}

/** Takes `quantity` out of a lot into `child`, refusing held, scrapped and over-consumed lots. */
export async function consumeInto(
  ctx: CommandContext,
  number: string,
  quantity: number,
  child: LotRow,
  orderId: string | null,
  operation: number | null = null,
): Promise<LotRow> {
  const tx = tablesOf(ctx);
  const lot = await lotByNumber(tx, number);
  if (lot.state === 'held')
    throw new ConflictError(`Lot ${lot.number} is on hold (${lot.hold_reason}); it cannot be consumed.`, 'lot_held');
  if (lot.state === 'scrapped')
    throw new ConflictError(`Lot ${lot.number} has been scrapped; it cannot be consumed.`, 'lot_scrapped');
  if (quantity > lot.available)
    throw new ConflictError(
      `Lot ${lot.number} has ${lot.available} ${lot.unit} left; ${quantity} cannot be consumed.`,
      'over_consumption',
    );
  const available = lot.available - quantity;
  await tx
    .updateTable('genealogy_lots')
    .set({ available, state: available === 0 ? 'consumed' : lot.state })
    .where('id', '=', lot.id)
    .execute();
  await tx
    .insertInto('genealogy_links')
    .values({ parent: lot.key, child: child.key, quantity, order_id: orderId, operation, created_at: ctx.now })
    .execute();
  return lot;
}

export function assertDistinct(numbers: string[], path: string): void {
  if (new Set(numbers).size !== numbers.length)
    throw new ValidationError('Each lot once, please.', [{ path, message: 'a lot is listed twice' }]);
}

export const serialNumber = Type.String({
  pattern: '^[A-Z0-9][A-Z0-9._-]{0,59}$',
  description: 'a unit serial number',
});

async function registerSerials(ctx: CommandContext, lot: LotRow, serials: string[]) {
  if (serials.length !== lot.quantity)
    throw new ValidationError(`${serials.length} serial numbers for ${lot.quantity} ${lot.unit}.`, [
      { path: '/output/serials', message: 'one serial number per unit: as many as the quantity' },
    ]);
  const tx = tablesOf(ctx);
  const taken = await tx.selectFrom('genealogy_serials').select('serial').where('serial', 'in', serials).execute();
  if (taken.length > 0) throw new ConflictError(`Serial number ${taken[0]!.serial} is taken already.`, 'serial_exists');
  await tx
    .insertInto('genealogy_serials')
    .values(serials.map((serial) => ({ serial, lot_id: lot.id, created_at: ctx.now })))
    .execute();
}

/**
 * Consumes input lots and produces one new output lot (optionally with a serial number per unit), in one
 * transaction: held or unknown lots, more than is available, and a non-positive quantity are refused and
 * nothing changes. The output is always a new lot.
 */
export const produceLot = defineCommand({
  name: 'genealogy.lot.produce',
  summary: 'Consume lots and produce an output lot (optionally for a work order, optionally serialised)',
  input: Type.Object(
    {
      order: Type.Optional(Type.String({ maxLength: 40 })),
      operation: Type.Optional(
        Type.Integer({ minimum: 1, maximum: 9999, description: 'the running operation of the order that consumes' }),
      ),
      line: Type.Optional(
        Type.String({
          pattern: '^/[a-z0-9][a-z0-9._/-]*$',
          maxLength: 300,
          description:
            "the order's line: the command is then checked at that line (an operator's grant), not plant-wide",
        }),
      ),
      output: Type.Object(
        {
          number: lotNumber,
          material: materialCode,
          quantity: amount,
          serials: Type.Optional(Type.Array(serialNumber, { minItems: 1, maxItems: 10_000, uniqueItems: true })),
        },
        { additionalProperties: false },
      ),
      inputs: Type.Array(Type.Object({ lot: lotNumber, quantity: amount }, { additionalProperties: false }), {
        minItems: 1,
        maxItems: 1000,
      }),
    },
    { additionalProperties: false },
  ),
  output: lotOutput,
  // not_found: the material, order, operation or an input lot; the rest from booking, serials and consumption.
  errors: [
    'not_found',
    'validation_failed',
    'operation_not_running',
    'lot_exists',
    'serial_exists',
    'lot_held',
    'lot_scrapped',
    'over_consumption',
    'wrong_line',
  ],
  http: { method: 'POST', url: '/api/lots/produce' },
  permission: 'genealogy.produce',
  scope: (input) => input.line ?? '/',
  async handler(ctx, input) {
    const material = await materialByCode(ctx.tx, input.output.material);
    if (
      (input.operation !== undefined || input.line !== undefined) &&
      (input.order === undefined || input.order === '')
    )
      throw new ValidationError('An operation or a line belongs to a work order: name the order too.', [
        { path: '/order', message: 'required with operation or line' },
      ]);
    const booking =
      input.order !== undefined && input.order !== ''
        ? await bookingTarget(ctx.tx, input.order, input.operation, input.line)
        : undefined;
    assertDistinct(
      input.inputs.map((i) => i.lot),
      '/inputs',
    );
    const output = await insertLot(ctx, {
      number: input.output.number,
      material_id: material.id,
      quantity: input.output.quantity,
      unit: material.unit,
      order_id: booking?.orderId ?? null,
    });
    if (input.output.serials) await registerSerials(ctx, output, input.output.serials);
    for (const consumed of input.inputs)
      await consumeInto(ctx, consumed.lot, consumed.quantity, output, booking?.orderId ?? null, booking?.operation);
    ctx.setTarget({ type: 'genealogy.lot', id: output.id });
    ctx.note({
      number: output.number,
      inputs: input.inputs,
      order: input.order ?? null,
      serials: input.output.serials?.length ?? 0,
    });
    return lotView(output);
  },
});

/** Puts a lot on hold inside the caller's command; other modules (quality) hold lots through this. */
export async function holdLot(ctx: CommandContext, lot: LotRow, reason: string): Promise<void> {
  if (lot.state !== 'available') throw new ConflictError(`Lot ${lot.number} is ${lot.state}.`, 'illegal_transition');
  await tablesOf(ctx)
    .updateTable('genealogy_lots')
    .set({ state: 'held', hold_reason: reason })
    .where('id', '=', lot.id)
    .execute();
  ctx.emit('genealogy.lot-held', { lot: lot.number, reason });
}

export async function releaseLot(ctx: CommandContext, lot: LotRow): Promise<void> {
  if (lot.state !== 'held') throw new ConflictError(`Lot ${lot.number} is ${lot.state}.`, 'illegal_transition');
  await tablesOf(ctx)
    .updateTable('genealogy_lots')
    .set({ state: 'available', hold_reason: null })
    .where('id', '=', lot.id)
    .execute();
  ctx.emit('genealogy.lot-released', { lot: lot.number });
}

/** Scraps what is left of a lot (a non-conformance disposition); a scrapped lot can no longer be consumed. */
export async function scrapLot(ctx: CommandContext, lot: LotRow, reason: string): Promise<void> {
  if (lot.state !== 'available' && lot.state !== 'held')
    throw new ConflictError(`Lot ${lot.number} is ${lot.state}.`, 'illegal_transition');
  await tablesOf(ctx)
    .updateTable('genealogy_lots')
    .set({ state: 'scrapped', available: 0, hold_reason: reason })
    .where('id', '=', lot.id)
    .execute();
  ctx.emit('genealogy.lot-scrapped', { lot: lot.number, reason });
}

const holdChange = (name: string, url: string, hold: boolean) =>
  defineCommand({
    name,
    summary: hold ? 'Put a lot on hold, with a reason' : 'Release a held lot',
    input: Type.Object(
      { lot: lotNumber, reason: Type.String({ minLength: 3, maxLength: 500 }) },
      { additionalProperties: false },
    ),
    output: Type.Object({ number: Type.String(), state: Type.String() }, { additionalProperties: false }),
    errors: ['not_found', 'illegal_transition'],
    http: { method: 'POST', url },
    permission: 'genealogy.hold',
    async handler(ctx, input) {
      const lot = await lotByNumber(ctx.tx, input.lot);
      if (hold) await holdLot(ctx, lot, input.reason);
      else await releaseLot(ctx, lot);
      ctx.setTarget({ type: 'genealogy.lot', id: lot.id });
      ctx.note({ number: lot.number, reason: input.reason });
      return { number: lot.number, state: hold ? 'held' : 'available' };
    },
  });

export const genealogyCommands = [
  receiveLot,
  produceLot,
  holdChange('genealogy.lot.hold', '/api/lots/hold', true),
  holdChange('genealogy.lot.release', '/api/lots/release', false),
];
