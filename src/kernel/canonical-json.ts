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

/**
 * The reference: the `canonicalize` package behind a check for what JSON cannot hold. Every value the fast
 * encoder below does not take on itself (and every refusal, with its message) goes through here.
 */
export function referenceCanonicalJson(value: unknown): string {
  assertJsonValue(value, 'value');
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value cannot be represented as canonical JSON');
  return text;
}

/** Thrown by the fast encoder for anything it leaves to the reference (never escapes this file; made once). */
const DECLINED = new Error('left to the reference encoder');

const wellFormed = (text: string): boolean => (text as unknown as { isWellFormed(): boolean }).isWellFormed();

/** Keys JSON.stringify could write out of insertion order (array indexes come first) or that assignment mangles. */
function unsafeKey(key: string): boolean {
  const first = key.charCodeAt(0);
  return (first >= 0x30 && first <= 0x39) || key === '__proto__' || !wellFormed(key);
}

function sortedCopy(value: unknown): unknown {
  switch (typeof value) {
    case 'string':
      if (!wellFormed(value)) throw DECLINED;
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw DECLINED;
      return value;
    case 'boolean':
      return value;
    case 'object':
      if (value === null) return null;
      return Array.isArray(value) ? arrayCopy(value) : objectCopy(value);
    default:
      throw DECLINED;
  }
}

function arrayCopy(items: unknown[]): unknown[] {
  if (typeof (items as { toJSON?: unknown }).toJSON === 'function') throw DECLINED;
  const copy: unknown[] = new Array<unknown>(items.length).fill(null);
  for (let i = 0; i < items.length; i += 1) {
    const item = items[i];
    // undefined is written as null, as JSON.stringify would; a hole reads as undefined too, but is declined.
    if (item !== undefined) copy[i] = sortedCopy(item);
    else if (!(i in items)) throw DECLINED;
  }
  return copy;
}

function objectCopy(object: object): Record<string, unknown> {
  const prototype: unknown = Object.getPrototypeOf(object);
  if (prototype !== Object.prototype && prototype !== null) throw DECLINED;
  if (typeof (object as { toJSON?: unknown }).toJSON === 'function') throw DECLINED;
  const copy: Record<string, unknown> = {};
  // Array.prototype.sort's default order compares UTF-16 code units, which is RFC 8785's key order.
  for (const key of Object.keys(object).sort()) {
    if (unsafeKey(key)) throw DECLINED;
    const item = (object as Record<string, unknown>)[key];
    if (item !== undefined) copy[key] = sortedCopy(item);
  }
  return copy;
}

/**
 * RFC 8785 (JSON Canonicalization Scheme) serialization: sorted keys, fixed number and string forms. The audit
 * chain hashes it, so it must never change. The fast path copies the value with its keys inserted in sorted order
 * and lets the engine's JSON.stringify write the copy in one pass (about half the time of building the string in
 * JavaScript): JSON.stringify writes a plain object's non-index keys in insertion order, and strings and numbers
 * exactly as RFC 8785 asks (the RFC takes both from ECMAScript). Whatever could break that (array-index keys,
 * toJSON, non-finite numbers, lone surrogates, class instances, sparse arrays, nesting deep enough to overflow the
 * stack) is declined and the reference decides, so the two never differ (canonical-json.test.ts compares them on
 * the RFC's examples and on generated values).
 */
export function canonicalJson(value: unknown): string {
  try {
    if (value !== undefined) return JSON.stringify(sortedCopy(value));
  } catch (error) {
    if (error !== DECLINED && !(error instanceof RangeError)) throw error;
  }
  return referenceCanonicalJson(value);
}
