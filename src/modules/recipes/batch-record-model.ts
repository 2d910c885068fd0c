import { Type, type Static } from '@sinclair/typebox';

/*
 * The electronic batch record of one work order (21 CFR 211.188 / Part 11 style): what was made, by which
 * sealed control recipe, what deviated, which lots went in and came out, how quality judged them, and who
 * signed. Actors appear only as pseudonymous ids; names are added at export, outside the sealed part.
 * Times are UTC ISO-8601 strings, as at every edge.
 *
 * Schemas, not interfaces: the export answers with the record exactly as sealed, and the HTTP serializer
 * sends only declared fields, so a field missing here would break every reader's check of the seal.
 */
const closed = { additionalProperties: false } as const;
const nullable = <T extends ReturnType<typeof Type.String> | ReturnType<typeof Type.Integer>>(schema: T) =>
  Type.Union([schema, Type.Null()]);

export const orderPart = Type.Object(
  {
    number: Type.String(),
    product: Type.String(),
    productName: Type.String(),
    state: Type.String(),
    quantity: Type.Number(),
    good: Type.Number(),
    scrap: Type.Number(),
    line: nullable(Type.String()),
    erpReference: nullable(Type.String()),
    createdAt: Type.String(),
    closedAt: nullable(Type.String()),
    operations: Type.Array(
      Type.Object(
        {
          sequence: Type.Integer(),
          name: Type.String(),
          workCell: Type.String(),
          state: Type.String(),
          good: Type.Number(),
          scrap: Type.Number(),
          startedAt: nullable(Type.String()),
          completedAt: nullable(Type.String()),
        },
        closed,
      ),
    ),
  },
  closed,
);
export type OrderPart = Static<typeof orderPart>;

export const controlRecipePart = Type.Object(
  {
    recipe: Type.String(),
    name: Type.String(),
    version: Type.Integer(),
    versionState: Type.String(),
    sealDigest: Type.String(),
    sealKeyId: nullable(Type.String()),
    /** Whether the version's stored content still matches its seal when the record was generated. */
    sealIntact: Type.Boolean(),
    issuedAt: Type.String(),
    issuedBy: Type.String(),
  },
  closed,
);
export type ControlRecipePart = Static<typeof controlRecipePart>;

/** Values and limits are evidence of what happened, so they are in the record (see batch-record.ts on access). */
export const deviationPart = Type.Object(
  {
    recipe: Type.String(),
    version: Type.Integer(),
    parameter: Type.String(),
    kind: Type.String(),
    value: Type.Number(),
    low: Type.Number(),
    high: Type.Number(),
    critical: Type.Boolean(),
    equipment: Type.String(),
    at: Type.String(),
  },
  closed,
);
export type DeviationPart = Static<typeof deviationPart>;

export const consumedLot = Type.Object(
  {
    lot: Type.String(),
    material: Type.String(),
    quantity: Type.Number(),
    unit: Type.String(),
    supplier: nullable(Type.String()),
    supplierLot: nullable(Type.String()),
    into: Type.String(),
    operation: nullable(Type.Integer()),
    at: Type.String(),
  },
  closed,
);
export type ConsumedLot = Static<typeof consumedLot>;

export const producedLot = Type.Object(
  {
    lot: Type.String(),
    material: Type.String(),
    quantity: Type.Number(),
    unit: Type.String(),
    state: Type.String(),
    createdAt: Type.String(),
  },
  closed,
);
export type ProducedLot = Static<typeof producedLot>;

export const inspectionPart = Type.Object(
  {
    plan: Type.String(),
    planVersion: Type.Integer(),
    lot: nullable(Type.String()),
    result: Type.String(),
    failedCharacteristics: Type.Array(Type.String()),
    inspectedAt: Type.String(),
    inspectedBy: Type.String(),
  },
  closed,
);
export type InspectionPart = Static<typeof inspectionPart>;

export const approvalPart = Type.Object(
  {
    recipe: Type.String(),
    version: Type.Integer(),
    meaning: Type.Literal('approved'),
    approverId: Type.String(),
    approvedAt: Type.String(),
  },
  closed,
);
export type ApprovalPart = Static<typeof approvalPart>;

/** A successful command on the order, with its audit record's hash: the record is bound into the audit chain. */
export const commandPart = Type.Object(
  { seq: Type.Integer(), action: Type.String(), actorId: Type.String(), at: Type.String(), hash: Type.String() },
  closed,
);
export type CommandPart = Static<typeof commandPart>;

export const batchRecord = Type.Object(
  {
    kind: Type.Literal('bastion.batch-record'),
    v: Type.Literal(1),
    revision: Type.Integer(),
    generatedAt: Type.String(),
    generatedBy: Type.String(),
    order: orderPart,
    controlRecipes: Type.Array(controlRecipePart),
    deviations: Type.Array(deviationPart),
    lots: Type.Object({ consumed: Type.Array(consumedLot), produced: Type.Array(producedLot) }, closed),
    quality: Type.Array(inspectionPart),
    signatures: Type.Object({ approvals: Type.Array(approvalPart), commands: Type.Array(commandPart) }, closed),
  },
  closed,
);
export type BatchRecord = Static<typeof batchRecord>;

export const iso = (ms: number) => new Date(ms).toISOString();
export const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));
