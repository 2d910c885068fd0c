import { Type, type Static } from '@sinclair/typebox';

/**
 * What a batch carries (the input of `ingest.batch.commit`): apart from the command, so that the runtime
 * files that fill batches and the handler's helpers share the types without importing the command.
 */
const nullableString = Type.Union([Type.String(), Type.Null()]);
const valueRow = Type.Object({
  deviceId: Type.String(),
  metric: Type.String({ minLength: 1, maxLength: 200 }),
  ts: Type.Integer(),
  num: Type.Union([Type.Number(), Type.Null()]),
  text: nullableString,
});
const quarantined = Type.Object({
  deviceId: Type.String(),
  topic: Type.String(),
  receivedAt: Type.Integer(),
  payload: Type.String({ description: 'base64' }),
  size: Type.Integer({ minimum: 0 }),
  reason: Type.Optional(Type.String({ maxLength: 300 })),
});
const securityEvent = Type.Object({
  at: Type.Integer(),
  kind: Type.String(),
  deviceId: nullableString,
  username: nullableString,
  address: nullableString,
  detail: nullableString,
  count: Type.Integer({ minimum: 1 }),
});
const offline = Type.Object({
  deviceId: Type.String(),
  /** Sparkplug device IDs that went away; null stands for the edge node itself. */
  devices: Type.Array(nullableString),
  at: Type.Integer(),
});
export const batchInput = Type.Object(
  {
    values: Type.Array(valueRow),
    quarantined: Type.Array(quarantined),
    events: Type.Array(securityEvent),
    offline: Type.Optional(Type.Array(offline)),
  },
  { additionalProperties: false },
);
export type BatchContent = Static<typeof batchInput>;
export const batchOutput = Type.Object(
  { batchId: Type.String(), count: Type.Integer() },
  { additionalProperties: false },
);
export type SecurityEvent = Static<typeof securityEvent>;
export type QuarantinedMessage = Static<typeof quarantined>;
export type Offline = Static<typeof offline>;
