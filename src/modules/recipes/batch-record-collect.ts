import type { ReadDb } from '../../kernel/store.js';
import { operationsOf } from '../production/index.js';
import { NotFoundError } from '../../kernel/errors.js';
import type { Database } from './db.js';
import { openReading, type DeviationReading, type RecipeSource } from './sealed-content.js';
import {
  iso,
  isoOrNull,
  type ApprovalPart,
  type ControlRecipePart,
  type DeviationPart,
  type OrderPart,
} from './batch-record-model.js';
import type { RecipeSealer } from './seal.js';
import { recipeByCode, sealedContent, sealOf, versionOf } from './store.js';

export type OrderRow = Database['production_orders'];

export async function orderRow(db: ReadDb<Database>, number: string): Promise<OrderRow> {
  const order = await db.selectFrom('production_orders').selectAll().where('number', '=', number).executeTakeFirst();
  if (!order) throw new NotFoundError(`No work order ${number}.`);
  return order;
}

export async function orderPart(db: ReadDb<Database>, order: OrderRow): Promise<OrderPart> {
  const product = await db
    .selectFrom('production_materials')
    .select(['code', 'name'])
    .where('id', '=', order.material_id)
    .executeTakeFirstOrThrow();
  const operations = await operationsOf(db, order.id);
  return {
    number: order.number,
    product: product.code,
    productName: product.name,
    state: order.state,
    quantity: order.quantity,
    good: order.good_quantity,
    scrap: order.scrap_quantity,
    line: order.line_path,
    erpReference: order.erp_reference,
    createdAt: iso(order.created_at),
    closedAt: isoOrNull(order.closed_at),
    operations: operations.map((op) => ({
      sequence: op.sequence,
      name: op.name,
      workCell: op.work_cell,
      state: op.state,
      good: op.good_quantity,
      scrap: op.scrap_quantity,
      startedAt: isoOrNull(op.started_at),
      completedAt: isoOrNull(op.completed_at),
    })),
  };
}

/** Every control recipe issued to the order, each with a fresh check of its version against the seal. */
export async function controlRecipeParts(
  { db, cipher }: RecipeSource,
  sealer: RecipeSealer,
  orderId: string,
): Promise<{ parts: ControlRecipePart[]; versionIds: string[] }> {
  const controls = await db
    .selectFrom('recipe_control as c')
    .innerJoin('recipe_versions as v', 'v.id', 'c.version_id')
    .innerJoin('recipes as r', 'r.id', 'v.recipe_id')
    .select(['c.seal_digest', 'c.issued_at', 'c.issued_by', 'r.code', 'v.version'])
    .where('c.order_id', '=', orderId)
    .orderBy('c.issued_at')
    .execute();
  const parts: ControlRecipePart[] = [];
  const versionIds = new Set<string>();
  for (const control of controls) {
    const recipe = await recipeByCode(db, control.code);
    const v = await versionOf({ db, cipher }, recipe, control.version);
    versionIds.add(v.id);
    const seal = sealOf(v);
    // Intact only if the version still matches its seal and that seal is the one verified at issue.
    const intact =
      seal !== null && seal.digest === control.seal_digest && sealer.verify(sealedContent(recipe, v), seal);
    parts.push({
      recipe: recipe.code,
      name: recipe.name,
      version: v.version,
      versionState: v.state,
      sealDigest: control.seal_digest,
      sealKeyId: v.seal_key_id,
      sealIntact: intact,
      issuedAt: iso(control.issued_at),
      issuedBy: control.issued_by,
    });
  }
  return { parts, versionIds: [...versionIds] };
}

export async function deviationParts({ db, cipher }: RecipeSource, orderId: string): Promise<DeviationPart[]> {
  const rows = await db
    .selectFrom('recipe_deviations as d')
    .innerJoin('recipe_control as c', 'c.id', 'd.control_id')
    .innerJoin('recipe_versions as v', 'v.id', 'c.version_id')
    .innerJoin('recipes as r', 'r.id', 'v.recipe_id')
    .selectAll('d')
    .select(['r.code as recipe', 'v.version'])
    .where('d.order_id', '=', orderId)
    .orderBy('d.at')
    .orderBy('d.id')
    .execute();
  return Promise.all(
    rows.map(async (d) => ({
      recipe: d.recipe,
      version: d.version,
      parameter: d.parameter,
      kind: d.kind,
      ...(await openReading<DeviationReading>(cipher, 'recipe_deviations', d.id, d.reading)),
      critical: d.critical === 1,
      equipment: d.equipment,
      at: iso(d.at),
    })),
  );
}

/** The electronic signatures that made the issued versions effective (approver ids, never names). */
export async function approvalParts(db: ReadDb<Database>, versionIds: string[]): Promise<ApprovalPart[]> {
  if (versionIds.length === 0) return [];
  const rows = await db
    .selectFrom('recipe_approvals as a')
    .innerJoin('recipe_versions as v', 'v.id', 'a.version_id')
    .innerJoin('recipes as r', 'r.id', 'v.recipe_id')
    .select(['r.code', 'v.version', 'a.approver_id', 'a.approved_at'])
    .where('a.version_id', 'in', versionIds)
    .orderBy('a.approved_at')
    .orderBy('a.approver_id')
    .execute();
  return rows.map((a) => ({
    recipe: a.code,
    version: a.version,
    meaning: 'approved' as const,
    approverId: a.approver_id,
    approvedAt: iso(a.approved_at),
  }));
}
