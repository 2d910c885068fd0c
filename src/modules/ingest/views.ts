import { Type, type Static } from '@sinclair/typebox';

/**
 * What may leave Bastion about devices, security events and quarantined messages. These schemas are the
 * output allowlists of the commands and read routes: a device's secret hash has no field to leave by.
 */
const nullableString = Type.Union([Type.String(), Type.Null()]);

export const deviceView = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    equipment: Type.String(),
    groupId: Type.String(),
    edgeNodeId: Type.String(),
    state: Type.String(),
    quarantineReason: nullableString,
    createdAt: Type.String(),
    rotatedAt: Type.String(),
  },
  { additionalProperties: false },
);
export type DeviceView = Static<typeof deviceView>;

/** A device as registered or rotated: its secret, shown this once. */
export const deviceWithSecret = Type.Composite([deviceView, Type.Object({ secret: Type.String() })], {
  additionalProperties: false,
});

export const securityEventView = Type.Object(
  {
    id: Type.String(),
    at: Type.String(),
    kind: Type.String(),
    deviceId: nullableString,
    username: nullableString,
    address: nullableString,
    detail: nullableString,
    count: Type.Integer(),
  },
  { additionalProperties: false },
);

export const quarantinedView = Type.Object(
  {
    id: Type.String(),
    deviceId: Type.String(),
    topic: Type.String(),
    receivedAt: Type.String(),
    size: Type.Integer(),
    reason: nullableString,
    payloadBase64: Type.String(),
  },
  { additionalProperties: false },
);
