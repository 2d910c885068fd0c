import { Type } from '@sinclair/typebox';
import { SECURITY_POLICIES } from './status.js';

/** Output allowlists shared by the commands and the read routes: an answer carries only these fields. */
const iso = Type.String({ format: 'date-time' });

const nodeView = Type.Object({ nodeId: Type.String(), tag: Type.String() }, { additionalProperties: false });

export const connectionFields = {
  name: Type.String(),
  endpointUrl: Type.String(),
  equipment: Type.String(),
  securityPolicy: Type.Union(SECURITY_POLICIES.map((p) => Type.Literal(p))),
  samplingMs: Type.Integer(),
  nodes: Type.Array(nodeView),
};

/** A connection as defined, and whether this definition created it (or replaced an earlier one). */
export const definedConnection = Type.Object(
  { ...connectionFields, created: Type.Boolean() },
  { additionalProperties: false },
);

export const certificateFields = {
  thumbprint: Type.String(),
  subject: Type.String(),
  issuer: Type.String(),
  validFrom: iso,
  validTo: iso,
};

export const certificateState = Type.Union([Type.Literal('rejected'), Type.Literal('trusted')]);

/** A verdict's answer: the certificate, its state now, and whether the verdict changed it. */
export const judgedCertificate = Type.Object(
  { ...certificateFields, state: certificateState, changed: Type.Boolean() },
  { additionalProperties: false },
);
