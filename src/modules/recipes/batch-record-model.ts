/**
 * The electronic batch record of one work order (21 CFR 211.188 / Part 11 style): what was made, by which
 * sealed control recipe, what deviated, which lots went in and came out, how quality judged them, and who
 * signed. Actors appear only as pseudonymous ids; names are added at export, outside the sealed part.
 * Times are UTC ISO-8601 strings, as at every edge.
 */
export interface BatchRecord {
  kind: 'bastion.batch-record';
  v: 1;
  revision: number;
  generatedAt: string;
  generatedBy: string;
  order: OrderPart;
  controlRecipes: ControlRecipePart[];
  deviations: DeviationPart[];
  lots: { consumed: ConsumedLot[]; produced: ProducedLot[] };
  quality: InspectionPart[];
  signatures: { approvals: ApprovalPart[]; commands: CommandPart[] };
}

export interface OrderPart {
  number: string;
  product: string;
  productName: string;
  state: string;
  quantity: number;
  good: number;
  scrap: number;
  line: string | null;
  erpReference: string | null;
  createdAt: string;
  closedAt: string | null;
  operations: {
    sequence: number;
    name: string;
    workCell: string;
    state: string;
    good: number;
    scrap: number;
    startedAt: string | null;
    completedAt: string | null;
  }[];
}

export interface ControlRecipePart {
  recipe: string;
  name: string;
  version: number;
  versionState: string;
  sealDigest: string;
  sealKeyId: string | null;
  /** Whether the version's stored content still matches its seal when the record was generated. */
  sealIntact: boolean;
  issuedAt: string;
  issuedBy: string;
}

/** Values and limits are evidence of what happened, so they are in the record (see batch-record.ts on access). */
export interface DeviationPart {
  recipe: string;
  version: number;
  parameter: string;
  kind: string;
  value: number;
  low: number;
  high: number;
  critical: boolean;
  equipment: string;
  at: string;
}

export interface ConsumedLot {
  lot: string;
  material: string;
  quantity: number;
  unit: string;
  supplier: string | null;
  supplierLot: string | null;
  into: string;
  operation: number | null;
  at: string;
}

export interface ProducedLot {
  lot: string;
  material: string;
  quantity: number;
  unit: string;
  state: string;
  createdAt: string;
}

export interface InspectionPart {
  plan: string;
  planVersion: number;
  lot: string | null;
  result: string;
  failedCharacteristics: string[];
  inspectedAt: string;
  inspectedBy: string;
}

export interface ApprovalPart {
  recipe: string;
  version: number;
  meaning: 'approved';
  approverId: string;
  approvedAt: string;
}

/** A successful command on the order, with its audit record's hash: the record is bound into the audit chain. */
export interface CommandPart {
  seq: number;
  action: string;
  actorId: string;
  at: string;
  hash: string;
}

export const iso = (ms: number) => new Date(ms).toISOString();
export const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));
