import { placePath } from '../plant/index.js';
import { Type } from '@sinclair/typebox';
import { ValidationError } from '../../kernel/errors.js';
import type { AnyCommand } from '../../kernel/pipeline/types.js';
import { defineCommand } from './db.js';
import { requireNode } from '../plant/index.js';
import { commitSamples } from './batch.js';
import type { OpcUaPki } from './pki.js';
import { connectionByName, toSpec } from './queries.js';
import { SECURITY_POLICIES } from './status.js';
import { definedConnection, judgedCertificate } from './views.js';

const nodeSchema = Type.Object(
  {
    // OPC UA's string form: optional namespace, then a numeric, string, GUID or opaque identifier.
    nodeId: Type.String({ pattern: '^(ns=[0-9]{1,5};)?[isgb]=.+$', maxLength: 300 }),
    tag: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$' }),
  },
  { additionalProperties: false },
);

const defineInput = Type.Object(
  {
    name: Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,62}$', description: 'a short unique name' }),
    // opc.tcp only: the HTTPS and WebSocket transports are not what plant servers offer.
    endpointUrl: Type.String({ pattern: '^opc\\.tcp://[^\\s/:]+(:[0-9]{1,5})?(/\\S*)?$', maxLength: 300 }),
    equipment: placePath(),
    securityPolicy: Type.Optional(Type.Union(SECURITY_POLICIES.map((p) => Type.Literal(p)))),
    samplingMs: Type.Optional(Type.Integer({ minimum: 50, maximum: 3_600_000 })),
    nodes: Type.Array(nodeSchema, { minItems: 1, maxItems: 1000 }),
  },
  { additionalProperties: false },
);

const thumbprint = Type.String({ pattern: '^[0-9a-f]{40}$', description: 'SHA-1 thumbprint, lower-case hex' });
const certificateInput = Type.Object({ thumbprint }, { additionalProperties: false });
// The thumbprint is in the path of the verdict routes; its pattern shows in the document.
const thumbprintParams = Type.Object({ thumbprint });

export const defineConnection = defineCommand({
  name: 'opcua.connection.define',
  summary: 'Define (or redefine) an OPC UA server connection and the nodes to subscribe to',
  input: defineInput,
  output: definedConnection,
  // not_found: no such equipment; validation_failed: a tag named twice.
  errors: ['not_found', 'validation_failed'],
  permission: 'opcua.manage',
  http: { method: 'POST', url: '/api/opcua/connections' },
  scope: (input) => input.equipment,
  async handler(ctx, input) {
    await requireNode(ctx.tx, input.equipment);
    const tags = input.nodes.map((n) => n.tag);
    const twice = tags.find((tag, i) => tags.indexOf(tag) !== i);
    if (twice !== undefined)
      throw new ValidationError(`Tag ${twice} is named twice.`, [{ path: '/nodes', message: 'duplicate tag' }]);
    const before = await connectionByName(ctx.tx, input.name);
    const row = {
      name: input.name,
      endpoint_url: input.endpointUrl,
      equipment_path: input.equipment,
      security_policy: input.securityPolicy ?? 'Basic256Sha256',
      sampling_ms: input.samplingMs ?? 1000,
      nodes: JSON.stringify(input.nodes),
      created_at: before?.created_at ?? ctx.now,
      updated_at: ctx.now,
    };
    if (before) await ctx.tx.updateTable('opcua_connections').set(row).where('name', '=', input.name).execute();
    else await ctx.tx.insertInto('opcua_connections').values(row).execute();
    const spec = toSpec(row);
    ctx.setTarget({ type: 'opcua.connection', id: input.name });
    ctx.recordChange(before ? toSpec(before) : null, spec);
    ctx.note({ endpointUrl: spec.endpointUrl, equipment: spec.equipment, nodes: spec.nodes.length });
    ctx.emit('opcua.connection.defined', { name: input.name });
    return { ...spec, created: !before };
  },
});

function verdict(pki: OpcUaPki, to: 'trusted' | 'rejected') {
  const verb = to === 'trusted' ? 'trust' : 'reject';
  return defineCommand({
    name: `opcua.certificate.${verb}`,
    summary:
      to === 'trusted'
        ? 'Trust an OPC UA server certificate, so that Bastion connects to that server'
        : 'Reject (or stop trusting) an OPC UA server certificate',
    input: certificateInput,
    output: judgedCertificate,
    // not_found: no such certificate seen; validation_failed: trusting an expired one.
    errors: ['not_found', 'validation_failed'],
    permission: 'opcua.manage',
    http: { method: 'POST', url: `/api/opcua/certificates/:thumbprint/${verb}`, params: thumbprintParams },
    async handler(ctx, input) {
      const { certificate } = await pki.find(input.thumbprint);
      if (to === 'trusted' && Date.parse(certificate.validTo) < ctx.now)
        throw new ValidationError('That certificate has expired.', [{ path: '/thumbprint', message: 'expired' }]);
      ctx.setTarget({ type: 'opcua.certificate', id: input.thumbprint });
      ctx.note({ subject: certificate.subject, validTo: certificate.validTo, was: certificate.state });
      ctx.recordChange({ state: certificate.state }, { state: to });
      // The move itself happens after commit (see OpcUaService): never a verdict without its audit record.
      if (certificate.state !== to) ctx.emit(`opcua.certificate.${to}`, { thumbprint: input.thumbprint });
      return { ...certificate, state: to, changed: certificate.state !== to };
    },
  });
}

export function opcuaCommands(pki: OpcUaPki): AnyCommand[] {
  return [defineConnection, verdict(pki, 'trusted'), verdict(pki, 'rejected'), commitSamples];
}
