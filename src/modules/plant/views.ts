import { Type } from '@sinclair/typebox';

/** A node as the API answers it (commands and reads alike), so the two never drift apart. */
const propertyView = Type.Object(
  {
    id: Type.String(),
    value: Type.Union([Type.String(), Type.Number(), Type.Boolean()]),
    unitOfMeasure: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const nodeView = Type.Object(
  {
    id: Type.String(),
    path: Type.String(),
    level: Type.String(),
    code: Type.String(),
    name: Type.String(),
    equipmentClass: Type.Union([Type.String(), Type.Null()]),
    properties: Type.Array(propertyView),
    parentPath: Type.Union([Type.String(), Type.Null()]),
    retired: Type.Boolean(),
  },
  { additionalProperties: false },
);
