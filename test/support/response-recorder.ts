import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** One HTTP response as the OpenAPI check sees it: what was asked, which route answered, and what came back. */
export interface ResponseRecord {
  /** sha256 of the OpenAPI document of the app that answered (documents are stored beside the records). */
  document: string;
  method: string;
  /** fastify's URL pattern (`/api/users/:id`); absent when no route matched (404, 405). */
  route?: string;
  /** The route is hidden from the document on purpose (`schema.hide`: the page, the document itself). */
  hidden?: boolean;
  /** One concrete URL that gave this shape, to find it again. */
  url: string;
  status: number;
  /** The media type without parameters; absent when nothing was sent. */
  mediaType?: string;
  /**
   * `json`: the body is in `body`; `empty`: nothing was sent; `invalid-json`: a JSON media type on a body that
   * does not parse; `other`: a stream or a non-JSON media type, of which only the media type is checked.
   */
  kind: 'json' | 'empty' | 'invalid-json' | 'other';
  body?: unknown;
  /** The test file that caused it. */
  testFile?: string;
}

/** Where a recorder sends what it saw: the document once per app, then every response. */
export interface RecordSink {
  document(hash: string, document: unknown): void;
  response(record: ResponseRecord): void;
}

/** A type-only outline of a value: equal outlines validate alike against a schema without formats or enums. */
export function shapeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `[${[...new Set(value.map(shapeOf))].sort().join('|')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([key, item]) => `${key}:${shapeOf(item)}`).join(',')}}`;
  }
  return typeof value;
}

/**
 * The key two responses share when checking one of them says as much as checking both. A problem's `code` is
 * part of it: the document lists the codes as an enum, and the outline alone would keep only the first code.
 */
export function dedupeKey(record: ResponseRecord): string {
  const code = record.mediaType === 'application/problem+json' ? (record.body as { code?: unknown })?.code : '';
  const shape = record.kind === 'json' ? shapeOf(record.body) : record.kind;
  const parts = [record.document, record.method, record.route ?? '-', record.status, record.mediaType, code, shape];
  return createHash('sha256').update(parts.join('\u0000')).digest('hex');
}

function mediaTypeOf(reply: FastifyReply): string | undefined {
  const header = reply.getHeader('content-type');
  if (header === undefined) return undefined;
  return String(header).split(';')[0]!.trim().toLowerCase();
}

function isJson(mediaType: string | undefined): boolean {
  return mediaType === 'application/json' || (mediaType?.endsWith('+json') ?? false);
}

function bodyOf(payload: unknown, mediaType: string | undefined): Pick<ResponseRecord, 'kind' | 'body'> {
  if (payload === null || payload === undefined || payload === '') return { kind: 'empty' };
  if (!isJson(mediaType) || !(typeof payload === 'string' || Buffer.isBuffer(payload))) return { kind: 'other' };
  try {
    return { kind: 'json', body: JSON.parse(payload.toString()) as unknown };
  } catch {
    return { kind: 'invalid-json' };
  }
}

/** Marks an app whose responses must not be recorded by the suite-wide recorder (a deliberately wrong app). */
const UNRECORDED = Symbol.for('bastion.test.unrecorded');

export function leaveUnrecorded(app: FastifyInstance): void {
  (app as unknown as Record<symbol, boolean>)[UNRECORDED] = true;
}

function isUnrecorded(app: FastifyInstance): boolean {
  return (app as unknown as Record<symbol, boolean | undefined>)[UNRECORDED] === true;
}

/**
 * Adds an onSend hook to `app` that hands every response to `sink`. Added before any plugin, it sees every
 * answer a route, the not-found handler or the error handler sends (not fastify's pre-routing framework
 * errors, which skip hooks). Apps without @fastify/swagger have no document to check against and are skipped.
 */
export function recordResponses(app: FastifyInstance, sink: RecordSink, options: { all?: boolean } = {}): void {
  let documentHash: string | undefined;
  const documentOf = (): string | undefined => {
    if (documentHash !== undefined) return documentHash;
    const swagger = (app as { swagger?: () => unknown }).swagger;
    if (typeof swagger !== 'function') return undefined;
    const document = swagger.call(app);
    documentHash = createHash('sha256').update(JSON.stringify(document)).digest('hex');
    sink.document(documentHash, document);
    return documentHash;
  };
  app.addHook('onSend', (request: FastifyRequest, reply: FastifyReply, payload: unknown, done) => {
    try {
      if (options.all !== true && isUnrecorded(app)) return done(null, payload);
      const document = documentOf();
      if (document === undefined) return done(null, payload);
      const mediaType = mediaTypeOf(reply);
      const route = request.routeOptions.url;
      sink.response({
        document,
        method: request.method,
        ...(route === undefined ? {} : { route }),
        ...(request.routeOptions.schema?.hide === true ? { hidden: true } : {}),
        url: request.url,
        status: reply.statusCode,
        ...(mediaType === undefined ? {} : { mediaType }),
        ...bodyOf(payload, mediaType),
      });
    } catch (error) {
      // Recording must never change an answer; a failure to record shows up as a missing record instead.
      process.emitWarning(`response recorder: ${String(error)}`);
    }
    done(null, payload);
  });
}
