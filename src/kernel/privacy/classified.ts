import type { TSchema } from '@sinclair/typebox';

/** The schema keyword tying a response field to a catalogue column (`table.column`); the OpenAPI document shows it. */
export const CATALOG_KEYWORD = 'x-catalog';

/**
 * Marks a response field as carrying the value of a catalogue column, e.g.
 * `displayName: classified(Type.String(), 'users.display_name')`. The response layer (http/masking.ts) masks
 * it for every caller whose clearance does not cover that column's categories; a route does nothing itself.
 */
export function classified<T extends TSchema>(schema: T, column: `${string}.${string}`): T {
  return { ...schema, [CATALOG_KEYWORD]: column };
}

/** The catalogue column a schema node is annotated with, if any. */
export function catalogColumnOf(schema: unknown): string | undefined {
  if (typeof schema !== 'object' || schema === null) return undefined;
  const value = (schema as Record<string, unknown>)[CATALOG_KEYWORD];
  return typeof value === 'string' ? value : undefined;
}
