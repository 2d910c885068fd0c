import { Type, type Static } from '@sinclair/typebox';
import type { Level } from './levels.js';
import { ROOT_PATH, type PlantNode } from './store.js';

/** B2MML EquipmentLevel names for the hierarchy levels (ISA-95 Part 2 wording). */
export const b2mmlLevels: Record<Level, string> = {
  enterprise: 'Enterprise',
  site: 'Site',
  area: 'Area',
  line: 'ProductionLine',
  'process-cell': 'ProcessCell',
  'storage-zone': 'StorageZone',
  'work-cell': 'WorkCell',
  unit: 'Unit',
  equipment: 'Equipment',
};

const levelByName = new Map(Object.entries(b2mmlLevels).map(([level, name]) => [name, level as Level]));

export function levelOf(name: string): Level | undefined {
  return levelByName.get(name);
}

/** One element of the exchange format, in B2MML's field names; children nest under `Equipment`. */
export const equipmentElement = Type.Recursive((self) =>
  Type.Object(
    {
      ID: Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,39}$', description: 'the node code' }),
      Description: Type.String({ minLength: 1, maxLength: 200 }),
      EquipmentLevel: Type.Union(Object.values(b2mmlLevels).map((name) => Type.Literal(name))),
      EquipmentClassID: Type.Optional(Type.String({ minLength: 1, maxLength: 80 })),
      EquipmentProperty: Type.Optional(
        Type.Array(
          Type.Object(
            {
              ID: Type.String({ minLength: 1, maxLength: 80 }),
              Value: Type.Union([Type.String({ maxLength: 500 }), Type.Number(), Type.Boolean()]),
              UnitOfMeasure: Type.Optional(Type.String({ maxLength: 20 })),
            },
            { additionalProperties: false },
          ),
          { maxItems: 100 },
        ),
      ),
      Equipment: Type.Optional(Type.Array(self, { maxItems: 1000 })),
    },
    { additionalProperties: false },
  ),
);
export type EquipmentElement = Static<typeof equipmentElement>;

function element(node: PlantNode, children: Map<string, PlantNode[]>): EquipmentElement {
  const below = children.get(node.path) ?? [];
  return {
    ID: node.code,
    Description: node.name,
    EquipmentLevel: b2mmlLevels[node.level],
    ...(node.equipmentClass !== null && node.equipmentClass !== '' ? { EquipmentClassID: node.equipmentClass } : {}),
    ...(node.properties.length > 0
      ? {
          EquipmentProperty: node.properties.map((p) => ({
            ID: p.id,
            Value: p.value,
            ...(p.unitOfMeasure !== undefined && p.unitOfMeasure !== '' ? { UnitOfMeasure: p.unitOfMeasure } : {}),
          })),
        }
      : {}),
    ...(below.length > 0 ? { Equipment: below.map((child) => element(child, children)) } : {}),
  };
}

/** The live hierarchy as one B2MML-style tree, or undefined when no enterprise is modelled yet. */
export function toB2mml(nodes: PlantNode[]): { Equipment: EquipmentElement } | undefined {
  const root = nodes.find((n) => n.path === ROOT_PATH);
  if (!root) return undefined;
  const children = new Map<string, PlantNode[]>();
  for (const node of nodes)
    if (node.parentPath !== null && node.parentPath !== '')
      children.set(node.parentPath, [...(children.get(node.parentPath) ?? []), node]);
  return { Equipment: element(root, children) };
}
