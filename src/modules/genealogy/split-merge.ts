import { Type } from '@sinclair/typebox';
import { ValidationError } from '../../kernel/errors.js';
import { defineCommand } from './db.js';
import {
  amount,
  assertDistinct,
  consumeInto,
  insertLot,
  lotByNumber,
  lotNumber,
  lotOutput,
  lotView,
} from './commands.js';

/**
 * Splits part of a lot into new lots of the same material (a pallet divided between two lines). The parent
 * keeps what is left; each part is linked to it, so traces run through splits unchanged.
 */
export const splitLot = defineCommand({
  name: 'genealogy.lot.split',
  summary: 'Split a lot into new lots of the same material',
  input: Type.Object(
    {
      lot: lotNumber,
      into: Type.Array(Type.Object({ number: lotNumber, quantity: amount }, { additionalProperties: false }), {
        minItems: 1,
        maxItems: 100,
      }),
    },
    { additionalProperties: false },
  ),
  output: Type.Object({ lot: lotOutput, parts: Type.Array(lotOutput) }, { additionalProperties: false }),
  errors: ['not_found', 'validation_failed', 'lot_exists', 'lot_held', 'lot_scrapped', 'over_consumption'],
  http: { method: 'POST', url: '/api/lots/split' },
  permission: 'genealogy.produce',
  async handler(ctx, input) {
    const parent = await lotByNumber(ctx.tx, input.lot);
    assertDistinct(
      input.into.map((p) => p.number),
      '/into',
    );
    const parts = [];
    for (const part of input.into) {
      const child = await insertLot(ctx, {
        number: part.number,
        material_id: parent.material_id,
        quantity: part.quantity,
        unit: parent.unit,
        supplier: parent.supplier,
        supplier_lot: parent.supplier_lot,
      });
      await consumeInto(ctx, parent.number, part.quantity, child, null);
      parts.push(lotView(child));
    }
    ctx.setTarget({ type: 'genealogy.lot', id: parent.id });
    ctx.note({ number: parent.number, into: input.into });
    return { lot: lotView(await lotByNumber(ctx.tx, parent.number)), parts };
  },
});

/** Merges lots of one material into a new lot holding everything left in them (e.g. silo top-ups). */
export const mergeLots = defineCommand({
  name: 'genealogy.lot.merge',
  summary: 'Merge lots of the same material into a new lot',
  input: Type.Object(
    {
      lots: Type.Array(lotNumber, { minItems: 2, maxItems: 100 }),
      into: lotNumber,
    },
    { additionalProperties: false },
  ),
  output: lotOutput,
  // Each source is consumed by what it has left, so over_consumption cannot arise; held or scrapped ones refuse.
  errors: ['not_found', 'validation_failed', 'lot_exists', 'lot_held', 'lot_scrapped'],
  http: { method: 'POST', url: '/api/lots/merge' },
  permission: 'genealogy.produce',
  async handler(ctx, input) {
    assertDistinct(input.lots, '/lots');
    const sources = [];
    for (const number of input.lots) sources.push(await lotByNumber(ctx.tx, number));
    const first = sources[0]!;
    if (sources.some((lot) => lot.material_id !== first.material_id))
      throw new ValidationError('Only lots of the same material can be merged.', [
        { path: '/lots', message: 'materials differ' },
      ]);
    const total = sources.reduce((sum, lot) => sum + lot.available, 0);
    if (total <= 0)
      throw new ValidationError('Nothing is left in these lots to merge.', [{ path: '/lots', message: 'all empty' }]);
    const merged = await insertLot(ctx, {
      number: input.into,
      material_id: first.material_id,
      quantity: total,
      unit: first.unit,
    });
    for (const lot of sources) if (lot.available > 0) await consumeInto(ctx, lot.number, lot.available, merged, null);
    ctx.setTarget({ type: 'genealogy.lot', id: merged.id });
    ctx.note({ number: merged.number, from: input.lots, quantity: total });
    return lotView(merged);
  },
});
