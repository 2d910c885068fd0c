import { Type } from '@sinclair/typebox';
import { ConflictError, NotFoundError } from '../../kernel/errors.js';
import { newId } from '../../kernel/ids.js';
import type { ReadDb } from '../../kernel/store.js';
import { type CommandContext } from '../../kernel/pipeline/types.js';
import { defineCommand } from './db.js';
import type { Database } from './db.js';
import { holdLot, lotByNumber, lotNumber, releaseLot, scrapLot } from '../genealogy/index.js';
import { pendingDispositionSchema, type PendingDisposition } from './ncr-approvals.js';

type NcrRow = Database['quality_ncrs'];
const ncrNumber = Type.String({ pattern: '^NCR-[0-9]{6,}$' });

/** Opens a report numbered NCR-000001, NCR-000002, … (the unique index refuses a concurrent duplicate). */
export async function openNcr(
  ctx: CommandContext<Database>,
  subject: { lotId: string | null; inspectionId: string | null; description: string },
): Promise<{ id: string; number: string }> {
  const { count } = await ctx.tx
    .selectFrom('quality_ncrs')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  const number = `NCR-${String(Number(count) + 1).padStart(6, '0')}`;
  const id = newId();
  await ctx.tx
    .insertInto('quality_ncrs')
    .values({
      id,
      number,
      lot_id: subject.lotId,
      inspection_id: subject.inspectionId,
      description: subject.description,
      state: 'open',
      disposition: null,
      disposition_reason: null,
      dispositioned_by: null,
      approved_by: null,
      created_at: ctx.now,
      created_by: ctx.actor.id,
      closed_at: null,
    })
    .execute();
  ctx.emit('quality.ncr-opened', { number });
  return { id, number };
}

export async function ncrByNumber(db: ReadDb<Database>, number: string): Promise<NcrRow> {
  const row = await db.selectFrom('quality_ncrs').selectAll().where('number', '=', number).executeTakeFirst();
  if (!row) throw new NotFoundError(`No non-conformance report ${number}.`);
  return row;
}

export const raiseNcr = defineCommand({
  name: 'quality.ncr.raise',
  summary: 'Open a non-conformance report (the lot, if any, is put on hold)',
  input: Type.Object(
    { lot: Type.Optional(lotNumber), description: Type.String({ minLength: 5, maxLength: 2000 }) },
    { additionalProperties: false },
  ),
  output: Type.Object(
    { number: Type.String(), lot: Type.Union([Type.String(), Type.Null()]), state: Type.String() },
    { additionalProperties: false },
  ),
  errors: ['not_found'],
  http: { method: 'POST', url: '/api/quality/ncrs' },
  permission: 'quality.ncr.manage',
  async handler(ctx, input) {
    const lot = input.lot !== undefined && input.lot !== '' ? await lotByNumber(ctx.tx, input.lot) : undefined;
    if (lot?.state === 'available') await holdLot(ctx, lot, input.description);
    const { id, number } = await openNcr(ctx, {
      lotId: lot?.id ?? null,
      inspectionId: null,
      description: input.description,
    });
    ctx.setTarget({ type: 'quality.ncr', id });
    ctx.note({ number, lot: input.lot ?? null });
    return { number, lot: input.lot ?? null, state: 'open' };
  },
});

const dispositions = ['rework', 'scrap', 'use-as-is'] as const;
type Disposition = (typeof dispositions)[number];

/** What a disposition does to the lot: rework keeps it held, scrap scraps it, use-as-is releases it. */
async function applyToLot(ctx: CommandContext<Database>, ncr: NcrRow, disposition: Disposition) {
  if (ncr.lot_id === null) return;
  const lot = await ctx.tx
    .selectFrom('genealogy_lots')
    .selectAll()
    .where('id', '=', ncr.lot_id)
    .executeTakeFirstOrThrow();
  const reason = `${ncr.number}: ${disposition}`;
  if (disposition === 'scrap') await scrapLot(ctx, lot, reason);
  else if (disposition === 'rework' && lot.state === 'available') await holdLot(ctx, lot, reason);
  else if (disposition === 'use-as-is' && lot.state === 'held') await releaseLot(ctx, lot);
}

/**
 * Decides what happens to non-conforming material. Use-as-is ships material outside its specification, so it
 * runs only once a second person (never the one who proposed it) approves: separation of duties.
 */
export const dispositionNcr = defineCommand({
  name: 'quality.ncr.disposition',
  summary: 'Disposition a non-conformance: rework, scrap, or use-as-is (needs a second person’s approval)',
  input: Type.Object(
    {
      ncr: ncrNumber,
      disposition: Type.Union(dispositions.map((d) => Type.Literal(d))),
      reason: Type.String({ minLength: 5, maxLength: 2000 }),
    },
    { additionalProperties: false },
  ),
  output: Type.Object(
    {
      number: Type.String(),
      state: Type.String(),
      disposition: Type.Union(dispositions.map((d) => Type.Literal(d))),
      approvedBy: Type.Union([Type.String(), Type.Null()]),
    },
    { additionalProperties: false },
  ),
  // illegal_transition: the report is closed already, or the lot is in no state the disposition can change.
  errors: ['not_found', 'illegal_transition'],
  http: { method: 'POST', url: '/api/quality/ncrs/disposition' },
  permission: 'quality.ncr.manage',
  approvals: (input) => (input.disposition === 'use-as-is' ? 1 : 0),
  async handler(ctx, input) {
    const ncr = await ncrByNumber(ctx.tx, input.ncr);
    if (ncr.state !== 'open') throw new ConflictError(`${ncr.number} is ${ncr.state} already.`, 'illegal_transition');
    await applyToLot(ctx, ncr, input.disposition);
    await ctx.tx
      .updateTable('quality_ncrs')
      .set({
        state: 'closed',
        disposition: input.disposition,
        disposition_reason: input.reason,
        dispositioned_by: ctx.actor.id,
        approved_by: ctx.approvedBy[0] ?? null,
        closed_at: ctx.now,
      })
      .where('id', '=', ncr.id)
      .execute();
    ctx.setTarget({ type: 'quality.ncr', id: ncr.id });
    ctx.note({ number: ncr.number, disposition: input.disposition });
    ctx.emit('quality.ncr-closed', { number: ncr.number, disposition: input.disposition });
    return {
      number: ncr.number,
      state: 'closed',
      disposition: input.disposition,
      approvedBy: ctx.approvedBy[0] ?? null,
    };
  },
});

const nullableString = Type.Union([Type.String(), Type.Null()]);
export const ncrSchema = Type.Object(
  {
    number: Type.String(),
    lot: nullableString,
    description: Type.String(),
    state: Type.String(),
    disposition: nullableString,
    dispositionReason: nullableString,
    dispositionedBy: Type.Union([Type.String(), Type.Null()], { description: 'user name of who dispositioned it' }),
    approved: Type.Boolean(),
    approvedBy: Type.Union([Type.String(), Type.Null()], { description: 'user name of the second person' }),
    pendingDisposition: Type.Union([pendingDispositionSchema, Type.Null()], {
      description: 'a disposition waiting for a second person',
    }),
    createdAt: Type.String(),
    closedAt: nullableString,
  },
  { additionalProperties: false },
);

export function ncrView(
  row: NcrRow & { lot: string | null; dispositioner: string | null; approver: string | null },
  pending: PendingDisposition | undefined,
) {
  return {
    number: row.number,
    lot: row.lot,
    description: row.description,
    state: row.state,
    disposition: row.disposition,
    dispositionReason: row.disposition_reason,
    dispositionedBy: row.dispositioner ?? row.dispositioned_by,
    approved: row.approved_by !== null,
    approvedBy: row.approver ?? row.approved_by,
    pendingDisposition: row.state === 'open' ? (pending ?? null) : null,
    createdAt: new Date(row.created_at).toISOString(),
    closedAt: row.closed_at === null ? null : new Date(row.closed_at).toISOString(),
  };
}
