import { readFileSync } from 'node:fs';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ModuleContext } from '../../kernel/module.js';
import { NotFoundError } from '../../kernel/errors.js';
import { answersIn, errorResponses } from '../../http/index.js';
import { parseCheckpoint } from './checkpoint.js';
import { consistencyProof, inclusionProof } from './proofs.js';
import { getRecord, listRecords } from './queries.js';
import { loadPublicKey } from '../../kernel/keys/key-store.js';
import { latestCheckpoint } from './store.js';
import { PUBLIC_KEY_FILE } from './signer.js';
import { verificationEventAt } from './verification-event.js';
import { verifyLog } from './verification.js';
import type { Witness } from './witness.js';
import type { AuditReader } from './db.js';

const tags = ['audit'];
const isoTime = Type.String({ format: 'date-time', description: 'an ISO-8601 UTC time' });
/** A record as stored (record.ts, AuditEntry): every field, so the answer is the whole hashed record. */
const auditRecord = Type.Object({
  v: Type.Literal(1),
  seq: Type.Integer(),
  id: Type.String(),
  ts: Type.String(),
  action: Type.String(),
  outcome: Type.Union([Type.Literal('success'), Type.Literal('denied'), Type.Literal('failed'), Type.Literal('error')]),
  actor: Type.Object({ kind: Type.String(), id: Type.String() }),
  origin: Type.Object({
    channel: Type.String(),
    address: Type.Optional(Type.String()),
    requestId: Type.Optional(Type.String()),
    idempotencyKey: Type.Optional(Type.String()),
  }),
  target: Type.Optional(Type.Object({ type: Type.String(), id: Type.String() })),
  reason: Type.Optional(Type.String()),
  // Free-form by design: each command notes its own details (ctx.note), and the record is returned as hashed.
  details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});
const record = Type.Object({ seq: Type.Integer(), hash: Type.String(), record: auditRecord });
const hexList = Type.Array(Type.String());
const proof = Type.Object({
  seq: Type.Integer(),
  leafIndex: Type.Integer(),
  treeSize: Type.Integer(),
  leafHash: Type.String(),
  path: hexList,
  rootHash: Type.String(),
  checkpoint: Type.Union([Type.Object({ body: Type.String(), signature: Type.String() }), Type.Null()]),
});
const problem = Type.Object({
  kind: Type.String(),
  seq: Type.Optional(Type.Integer()),
  treeSize: Type.Optional(Type.Integer()),
  origin: Type.Optional(Type.String()),
  message: Type.String(),
});
const report = Type.Object({
  ok: Type.Boolean(),
  recordsChecked: Type.Integer(),
  checkpointsChecked: Type.Integer(),
  latestCheckpoint: Type.Union([Type.Integer(), Type.Null()]),
  unsignedTail: Type.Integer(),
  firstBadSeq: Type.Union([Type.Integer(), Type.Null()]),
  problems: Type.Array(problem),
  witnesses: Type.Array(
    Type.Object({
      witness: Type.String(),
      held: Type.Integer(),
      missing: Type.Array(Type.Integer()),
      reachable: Type.Boolean(),
      error: Type.Optional(Type.String()),
      newest: Type.Union([Type.Integer(), Type.Null()]),
    }),
  ),
  witnessesComplete: Type.Boolean(),
});

export function auditRoutes(app: FastifyInstance, context: ModuleContext, witnesses: readonly Witness[]): void {
  const storage: AuditReader = { db: context.db, ...context.dialect };
  const publicKeyFile = context.keys.file(PUBLIC_KEY_FILE);
  app.get(
    '/api/audit/records',
    {
      config: { permission: 'audit.read' },
      schema: {
        tags,
        operationId: 'audit.records.list',
        summary: 'List audit records in sequence order, filtered',
        querystring: Type.Object(
          {
            action: Type.Optional(Type.String({ maxLength: 100 })),
            actorId: Type.Optional(Type.String({ maxLength: 64 })),
            outcome: Type.Optional(
              Type.Union([
                Type.Literal('success'),
                Type.Literal('denied'),
                Type.Literal('failed'),
                Type.Literal('error'),
              ]),
            ),
            targetId: Type.Optional(Type.String({ maxLength: 64 })),
            from: Type.Optional(isoTime),
            to: Type.Optional(isoTime),
            afterSeq: Type.Optional(Type.Integer({ minimum: 0 })),
            limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ records: Type.Array(record) }), ...errorResponses },
      },
    },
    async (request) => ({ records: await listRecords(storage, request.query as Parameters<typeof listRecords>[1]) }),
  );
  app.get(
    '/api/audit/records/:seq',
    {
      config: { permission: 'audit.read' },
      schema: {
        tags,
        operationId: 'audit.records.get',
        summary: 'One audit record with its inclusion proof to the latest checkpoint',
        params: Type.Object({ seq: Type.Integer({ minimum: 1 }) }),
        response: {
          200: Type.Object({ seq: Type.Integer(), hash: Type.String(), record: auditRecord, proof }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { seq } = request.params as { seq: number };
      const found = await getRecord(storage, seq);
      return { ...found, proof: await inclusionProof(storage, seq) };
    },
  );
  app.get(
    '/api/audit/checkpoints/latest',
    {
      config: { permission: 'audit.read' },
      schema: {
        tags,
        operationId: 'audit.checkpoints.latest',
        summary: 'The latest signed checkpoint (body is the exact signed bytes, signature is base64 Ed25519)',
        response: {
          200: Type.Object({
            treeSize: Type.Integer(),
            rootHash: Type.String(),
            timestamp: Type.String(),
            body: Type.String(),
            signature: Type.String(),
          }),
          ...errorResponses,
        },
      },
    },
    async () => {
      const latest = await latestCheckpoint(storage.db);
      const content = latest && parseCheckpoint(latest.body);
      if (!latest || !content) throw new NotFoundError('No checkpoint has been signed yet.');
      return {
        treeSize: latest.treeSize,
        rootHash: content.rootHash,
        timestamp: content.timestamp,
        body: latest.body,
        signature: latest.signature.toString('base64'),
      };
    },
  );
  app.get(
    '/api/audit/consistency',
    {
      config: { permission: 'audit.read' },
      schema: {
        tags,
        operationId: 'audit.consistency',
        summary: 'Consistency proof between two tree sizes (RFC 9162)',
        querystring: Type.Object(
          { from: Type.Integer({ minimum: 1 }), to: Type.Integer({ minimum: 1 }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            fromSize: Type.Integer(),
            toSize: Type.Integer(),
            fromRoot: Type.String(),
            toRoot: Type.String(),
            path: hexList,
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { from, to } = request.query as { from: number; to: number };
      return consistencyProof(storage, from, to);
    },
  );
  app.get(
    '/api/audit/public-key',
    {
      config: { permission: 'audit.read' },
      schema: {
        tags,
        operationId: 'audit.publicKey',
        summary: 'The checkpoint public key (PEM, SPKI)',
        response: { 200: answersIn(undefined, { 'application/x-pem-file': 'PEM, SPKI' }), ...errorResponses },
      },
    },
    async (_request, reply) => reply.type('application/x-pem-file').send(readFileSync(publicKeyFile, 'utf8')),
  );
  app.get(
    '/api/audit/verification',
    {
      config: { permission: 'audit.verify' },
      schema: {
        tags,
        operationId: 'audit.verification',
        summary: 'Verify the whole log now and report',
        response: { 200: report, ...errorResponses },
      },
    },
    async () => {
      const result = await verifyLog({ storage, publicKey: loadPublicKey(publicKeyFile), witnesses: [...witnesses] });
      // Monitoring records it (security event audit.verified or audit.verification-failed): the posture API and
      // /metrics report the last verification, and a failure raises the audit-integrity alert.
      await context.events.publish(verificationEventAt(result, context.clock.now()));
      return result;
    },
  );
}
