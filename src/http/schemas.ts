import { Type, type TSchema } from '@sinclair/typebox';
import type { ErrorCode } from '../kernel/error-codes.js';

/** The RFC 9457 body every error response carries; listed in OpenAPI for each route. */
export const problemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    instance: Type.String(),
    code: Type.String(),
    errors: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
  },
  { $id: 'Problem' },
);

export const errorResponses = {
  400: problemSchema,
  401: problemSchema,
  403: problemSchema,
  404: problemSchema,
  429: problemSchema,
} as const;

/**
 * The Problem body of one status of one operation, naming the codes it may carry (`x-error-codes`); the
 * OpenAPI document turns that into an `enum` on `code` (see openapi.ts). Serialisation stays the Problem shape.
 */
export function problemFor(codes: readonly ErrorCode[]): TSchema {
  return Type.Object(problemSchema.properties, { 'x-error-codes': [...codes].sort() });
}

/**
 * A success answer documented per media type: JSON by `json` (omit it for a route that answers only in
 * another format), and each other format (a drawn chart, a CSV, a PDF, a PEM key) as a string. fastify picks
 * the serializer by the reply's content type; the other formats are sent as they are.
 */
export function answersIn(json: TSchema | undefined, others: Record<string, string>): { content: object } {
  const formats = Object.entries(others).map(([type, description]): [string, object] => [
    type,
    { schema: { type: 'string', description } },
  ]);
  return { content: { ...(json ? { 'application/json': { schema: json } } : {}), ...Object.fromEntries(formats) } };
}
