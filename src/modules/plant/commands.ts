import { Type, type Static } from '@sinclair/typebox';
import { ConflictError, ValidationError } from '../../kernel/errors.js';
import { newId } from '../../kernel/ids.js';
import { type CommandContext } from '../../kernel/pipeline/types.js';
import { defineCommand, type Database } from './db.js';
import { LEVELS, allowedParents, mayContain, type Level } from './levels.js';
import { equipmentElement, levelOf, type EquipmentElement } from './b2mml.js';
import { nodeView } from './views.js';
import { childPath, nodeByPath, requireNode, ROOT_PATH, toNode, type PlantProperty } from './store.js';

const path = Type.String({
  pattern: '^/([a-z0-9][a-z0-9._-]{0,39}(/[a-z0-9][a-z0-9._-]{0,39})*)?$',
  maxLength: 300,
  description: "a plant path such as '/' or '/site-1/area-1/line-2'",
});
const code = Type.String({
  pattern: '^[a-z0-9][a-z0-9._-]{0,39}$',
  description: 'lower-case letters, digits, dot, dash or underscore; at most 40',
});
const level = Type.Union(LEVELS.map((l) => Type.Literal(l)));
const property = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 80 }),
    value: Type.Union([Type.String({ maxLength: 500 }), Type.Number(), Type.Boolean()]),
    unitOfMeasure: Type.Optional(Type.String({ maxLength: 20 })),
  },
  { additionalProperties: false },
);
const properties = Type.Array(property, { maxItems: 100 });

export const nodeInput = Type.Object(
  {
    parentPath: Type.Optional(path),
    level,
    code,
    name: Type.String({ minLength: 1, maxLength: 200 }),
    equipmentClass: Type.Optional(Type.String({ minLength: 1, maxLength: 80 })),
    properties: Type.Optional(properties),
  },
  { additionalProperties: false },
);
type NodeInput = Static<typeof nodeInput>;

function uniqueProperties(list: PlantProperty[] = []): PlantProperty[] {
  const ids = new Set(list.map((p) => p.id));
  if (ids.size !== list.length)
    throw new ValidationError('Property IDs must be unique within a node.', [
      { path: '/properties', message: 'duplicate property ID' },
    ]);
  return list;
}

/** Creates one node under a live parent of an allowed level; the enterprise is the single root, at '/'. */
export async function createNode(ctx: CommandContext<Database>, input: NodeInput) {
  const isRoot = input.level === 'enterprise';
  if (isRoot !== (input.parentPath === undefined)) {
    throw new ValidationError('The enterprise has no parent; every other node needs parentPath.', [
      { path: '/parentPath', message: isRoot ? 'must be absent for the enterprise' : 'is required' },
    ]);
  }
  const parent = input.parentPath === undefined ? undefined : await requireNode(ctx.tx, input.parentPath);
  if (parent && !mayContain(parent.level as Level, input.level)) {
    throw new ValidationError(
      `A ${input.level} belongs under ${allowedParents(input.level).join(' or ')}, not under a ${parent.level}.`,
      [{ path: '/level', message: `not allowed under a ${parent.level}` }],
    );
  }
  const nodePath = parent ? childPath(parent.path, input.code) : ROOT_PATH;
  if (await nodeByPath(ctx.tx, nodePath)) throw new ConflictError(`A node ${nodePath} exists already.`, 'node_exists');
  const row = {
    id: newId(),
    parent_id: parent?.id ?? null,
    level: input.level,
    code: input.code,
    path: nodePath,
    name: input.name,
    equipment_class: input.equipmentClass ?? null,
    properties: JSON.stringify(uniqueProperties(input.properties)),
    created_at: ctx.now,
    retired_at: null,
  };
  await ctx.tx.insertInto('plant_nodes').values(row).execute();
  ctx.setTarget({ type: 'plant.node', id: row.id });
  ctx.recordChange(undefined, toNode(row));
  ctx.note({ path: nodePath, level: input.level });
  return toNode(row);
}

export const createNodeCommand = defineCommand({
  name: 'plant.node.create',
  summary: 'Add a node to the plant hierarchy',
  input: nodeInput,
  output: nodeView,
  errors: ['validation_failed', 'not_found', 'node_exists'],
  http: { method: 'POST', url: '/api/plant/nodes' },
  permission: 'plant.manage',
  scope: (input) => input.parentPath ?? ROOT_PATH,
  handler: createNode,
});

export const updateNodeCommand = defineCommand({
  name: 'plant.node.update',
  summary: "Change a node's name, equipment class or properties",
  input: Type.Object(
    {
      path,
      name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
      equipmentClass: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 80 }), Type.Null()])),
      properties: Type.Optional(properties),
    },
    { additionalProperties: false },
  ),
  output: nodeView,
  errors: ['validation_failed', 'not_found'],
  http: { method: 'POST', url: '/api/plant/nodes/update' },
  permission: 'plant.manage',
  scope: (input) => input.path,
  async handler(ctx, input) {
    const before = await requireNode(ctx.tx, input.path);
    const changes = {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.equipmentClass !== undefined ? { equipment_class: input.equipmentClass } : {}),
      ...(input.properties !== undefined ? { properties: JSON.stringify(uniqueProperties(input.properties)) } : {}),
    };
    if (Object.keys(changes).length === 0) throw new ValidationError('Nothing to change.');
    await ctx.tx.updateTable('plant_nodes').set(changes).where('id', '=', before.id).execute();
    const after = await requireNode(ctx.tx, input.path);
    ctx.setTarget({ type: 'plant.node', id: before.id });
    ctx.recordChange(toNode(before), toNode(after));
    return toNode(after);
  },
});

/** Nodes are retired, never deleted: records made at a node keep pointing at it. Children go first. */
export const retireNodeCommand = defineCommand({
  name: 'plant.node.retire',
  summary: 'Retire a node that has no live children',
  input: Type.Object({ path }, { additionalProperties: false }),
  output: Type.Object({ retired: Type.Boolean() }, { additionalProperties: false }),
  errors: ['not_found', 'node_has_children'],
  http: { method: 'POST', url: '/api/plant/nodes/retire' },
  permission: 'plant.manage',
  scope: (input) => input.path,
  async handler(ctx, input) {
    const node = await requireNode(ctx.tx, input.path);
    const child = await ctx.tx
      .selectFrom('plant_nodes')
      .select('path')
      .where('parent_id', '=', node.id)
      .where('retired_at', 'is', null)
      .executeTakeFirst();
    if (child)
      throw new ConflictError(`Retire ${child.path} first: a node with live children stays.`, 'node_has_children');
    await ctx.tx.updateTable('plant_nodes').set({ retired_at: ctx.now }).where('id', '=', node.id).execute();
    ctx.setTarget({ type: 'plant.node', id: node.id });
    ctx.note({ path: node.path });
    return { retired: true };
  },
});

/**
 * Imports a B2MML-style hierarchy: new nodes are created, existing ones (same path) updated where they differ,
 * nothing is removed. One command, one transaction: a bad node anywhere refuses the whole import.
 */
export const importCommand = defineCommand({
  name: 'plant.import',
  summary: 'Import a plant hierarchy (B2MML-style JSON); adds and updates, never removes',
  input: Type.Object({ Equipment: equipmentElement }, { additionalProperties: false }),
  output: Type.Object(
    { created: Type.Integer(), updated: Type.Integer(), unchanged: Type.Integer() },
    { additionalProperties: false },
  ),
  // createNode's codes, plus an existing node at another level.
  errors: ['validation_failed', 'not_found', 'node_exists', 'level_mismatch'],
  http: { method: 'POST', url: '/api/plant/import' },
  permission: 'plant.manage',
  async handler(ctx, input) {
    const counts = { created: 0, updated: 0, unchanged: 0 };
    const visit = async (element: EquipmentElement, parentPath: string | undefined): Promise<void> => {
      const level = levelOf(element.EquipmentLevel)!;
      const fields = {
        name: element.Description,
        equipmentClass: element.EquipmentClassID,
        properties: (element.EquipmentProperty ?? []).map((p) => ({
          id: p.ID,
          value: p.Value,
          ...(p.UnitOfMeasure !== undefined && p.UnitOfMeasure !== '' ? { unitOfMeasure: p.UnitOfMeasure } : {}),
        })),
      };
      const nodePath = parentPath === undefined ? ROOT_PATH : childPath(parentPath, element.ID);
      const existing = await nodeByPath(ctx.tx, nodePath);
      if (!existing) {
        await createNode(ctx, { parentPath, level, code: element.ID, ...fields });
        counts.created++;
      } else {
        if (existing.level !== level)
          throw new ConflictError(`${nodePath} is a ${existing.level}, not a ${level}.`, 'level_mismatch');
        const changed =
          existing.name !== fields.name ||
          existing.equipment_class !== (fields.equipmentClass ?? null) ||
          existing.properties !== JSON.stringify(fields.properties);
        if (changed)
          await ctx.tx
            .updateTable('plant_nodes')
            .set({
              name: fields.name,
              equipment_class: fields.equipmentClass ?? null,
              properties: JSON.stringify(uniqueProperties(fields.properties)),
              retired_at: null,
            })
            .where('id', '=', existing.id)
            .execute();
        counts[changed ? 'updated' : 'unchanged']++;
      }
      for (const child of element.Equipment ?? []) await visit(child, nodePath);
    };
    if (input.Equipment.EquipmentLevel !== 'Enterprise')
      throw new ValidationError('The imported tree must start at the enterprise.', [
        { path: '/Equipment/EquipmentLevel', message: 'must be Enterprise' },
      ]);
    await visit(input.Equipment, undefined);
    ctx.setTarget({ type: 'plant', id: ROOT_PATH });
    ctx.note(counts);
    return counts;
  },
});

export const plantCommands = [createNodeCommand, updateNodeCommand, retireNodeCommand, importCommand];
