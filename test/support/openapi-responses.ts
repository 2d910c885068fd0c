import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { ResponseRecord } from './response-recorder.js';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM (as in src/http/validators.ts).
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

interface MediaTypeObject {
  schema?: unknown;
}
interface ResponseObject {
  content?: Record<string, MediaTypeObject>;
}
interface OperationObject {
  responses?: Record<string, ResponseObject>;
}
export interface OpenApiDocument {
  paths?: Record<string, Record<string, OperationObject>>;
  components?: { schemas?: Record<string, unknown> };
}

export interface Mismatch {
  method: string;
  route: string;
  status: number;
  mediaType?: string;
  reason: string;
  url: string;
  testFile?: string;
}

/** fastify's `/api/users/:id` as OpenAPI writes it: `/api/users/{id}`. */
export const openapiPath = (url: string): string => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** A JSON Pointer token (RFC 6901), for `$ref`s into the document. */
const pointerToken = (token: string): string => token.replace(/~/g, '~0').replace(/\//g, '~1');

/** `text/*` and `*\/*` in a document match any subtype or type, as OpenAPI allows. */
function mediaTypeMatches(documented: string, sent: string): boolean {
  const [type, subtype] = documented.toLowerCase().split('/');
  const [sentType, sentSubtype] = sent.split('/');
  return (type === '*' || type === sentType) && (subtype === '*' || subtype === sentSubtype);
}

/** The status's own entry, else its range (`4XX`), else `default`: the precedence OpenAPI defines. */
function responseFor(operation: OperationObject, status: number): [key: string, response: ResponseObject] | undefined {
  const responses = operation.responses ?? {};
  for (const key of [String(status), `${String(status)[0]}XX`, 'default']) {
    const response = responses[key] ?? responses[key.toLowerCase()];
    if (response) return [key, response];
  }
  return undefined;
}

/** Answers of the not-found handler (no route matched): a problem, 404 or 405, as `default` documents errors. */
const UNROUTED_STATUSES = new Set([404, 405]);

/**
 * Checks recorded responses against the OpenAPI document of the app that sent them: the status is documented
 * (exactly, by range or by `default`), the media type is among those documented for it, and a JSON body
 * validates against the schema, `$ref`s to components included (the document is added to ajv whole, and each
 * schema is referenced by its JSON Pointer, so references resolve inside the document).
 */
export class ResponseValidator {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(private readonly documents: ReadonlyMap<string, OpenApiDocument>) {
    addFormats(this.ajv);
    // OpenAPI's own formats for non-JSON and numeric content: any value is acceptable to a JSON Schema validator.
    for (const format of ['binary', 'byte', 'int32', 'int64', 'float', 'double', 'password'])
      this.ajv.addFormat(format, true);
    for (const [hash, document] of documents) this.ajv.addSchema(document, this.idOf(hash));
  }

  private idOf(hash: string): string {
    return `https://bastion.test/openapi/${hash}.json`;
  }

  private validatorFor(hash: string, pointer: string): ValidateFunction {
    const ref = `${this.idOf(hash)}#${pointer}`;
    let validate = this.validators.get(ref);
    if (!validate) {
      validate = this.ajv.compile({ $ref: ref });
      this.validators.set(ref, validate);
    }
    return validate;
  }

  /** Why `record` disagrees with its document, or undefined when it agrees (or is hidden from it on purpose). */
  check(record: ResponseRecord): string | undefined {
    const document = this.documents.get(record.document);
    if (!document) return `no OpenAPI document ${record.document} was recorded`;
    if (record.hidden === true) return undefined;
    if (record.route === undefined) return this.checkUnrouted(record);
    const path = openapiPath(record.route);
    // HEAD rides with GET (fastify's exposeHeadRoutes); its body is always empty.
    const method = record.method === 'HEAD' ? 'get' : record.method.toLowerCase();
    const operation = document.paths?.[path]?.[method];
    if (!operation) return `the route is served but ${method.toUpperCase()} ${path} is not in the document`;
    const found = responseFor(operation, record.status);
    if (!found) return `status ${record.status} is not documented (no exact entry, range or default)`;
    const [key, response] = found;
    const content = response.content ?? {};
    const documentedTypes = Object.keys(content);
    if (record.kind === 'empty' || record.method === 'HEAD') {
      if (record.method !== 'HEAD' && documentedTypes.length > 0 && record.status !== 204)
        return `empty body, but responses.${key} documents ${documentedTypes.join(', ')}`;
      return undefined;
    }
    if (documentedTypes.length === 0) return `a ${record.mediaType ?? 'typeless'} body, but responses.${key} has none`;
    const sent = record.mediaType ?? '(none)';
    const documentedType = documentedTypes.find((type) => mediaTypeMatches(type, sent));
    if (documentedType === undefined)
      return `media type ${sent}, but responses.${key} documents ${documentedTypes.join(', ')}`;
    if (record.kind === 'invalid-json') return `the body is not valid JSON, yet sent as ${sent}`;
    if (record.kind !== 'json') return undefined;
    if (content[documentedType]?.schema === undefined) return undefined;
    const pointer = ['', 'paths', path, method, 'responses', key, 'content', documentedType, 'schema']
      .map(pointerToken)
      .join('/');
    return this.schemaErrors(this.validatorFor(record.document, pointer), record.body, `responses.${key}`);
  }

  private checkUnrouted(record: ResponseRecord): string | undefined {
    if (!UNROUTED_STATUSES.has(record.status)) return `no route matched, yet the status is ${record.status}`;
    if (record.mediaType !== 'application/problem+json')
      return `no route matched: media type ${record.mediaType ?? '(none)'}, not application/problem+json`;
    if (record.kind !== 'json') return 'no route matched: the body is not a JSON problem';
    const validate = this.validatorFor(record.document, '/components/schemas/Problem');
    return this.schemaErrors(validate, record.body, 'components.schemas.Problem');
  }

  private schemaErrors(validate: ValidateFunction, body: unknown, where: string): string | undefined {
    if (validate(body)) return undefined;
    const errors = (validate.errors ?? []).slice(0, 3).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
    return `body does not match ${where}: ${errors.join('; ')}`;
  }

  /** Every disagreement among `records`. */
  mismatches(records: Iterable<ResponseRecord>): Mismatch[] {
    const found: Mismatch[] = [];
    for (const record of records) {
      const reason = this.check(record);
      if (reason === undefined) continue;
      found.push({
        method: record.method,
        route: record.route ?? '(no route)',
        status: record.status,
        ...(record.mediaType === undefined ? {} : { mediaType: record.mediaType }),
        reason,
        url: record.url,
        ...(record.testFile === undefined ? {} : { testFile: record.testFile }),
      });
    }
    return found;
  }
}

/** `METHOD route status`: how a mismatch is named. */
export const driftEntry = (mismatch: Pick<Mismatch, 'method' | 'route' | 'status'>): string =>
  `${mismatch.method} ${mismatch.route} ${mismatch.status}`;

/**
 * Whether an allowlist excuses `mismatch`: `METHOD route status media/type` excuses only answers of that media
 * type (a route that sends an undocumented format keeps its JSON checked); without the media type, any answer.
 */
export function isExcused(mismatch: Mismatch, entries: ReadonlySet<string>): boolean {
  const entry = driftEntry(mismatch);
  return entries.has(entry) || entries.has(`${entry} ${mismatch.mediaType ?? '(none)'}`);
}
