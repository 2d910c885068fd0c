import canonicalize from 'canonicalize';

/** Refuses values JSON cannot represent (functions, symbols, bigints) at any depth, instead of writing them wrongly. */
function assertJsonValue(value: unknown, path: string): void {
  const type = typeof value;
  if (type === 'function' || type === 'symbol' || type === 'bigint')
    throw new TypeError(`${path} is a ${type}, not JSON`);
  if (value === null || type !== 'object' || typeof (value as { toJSON?: unknown }).toJSON === 'function') return;
  if (Array.isArray(value)) value.forEach((item, i) => assertJsonValue(item, `${path}[${i}]`));
  else
    for (const [key, item] of Object.entries(value as Record<string, unknown>))
      if (item !== undefined) assertJsonValue(item, `${path}.${key}`);
}

/** RFC 8785 (JSON Canonicalization Scheme) serialization: sorted keys, fixed number and string forms. */
export function canonicalJson(value: unknown): string {
  assertJsonValue(value, 'value');
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value cannot be represented as canonical JSON');
  return text;
}
