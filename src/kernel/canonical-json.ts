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
class LeftToReference extends Error {}
const ASK_REFERENCE = new LeftToReference('left to the reference encoder');

/** A string without lone surrogates (RFC 8785 refuses them); isWellFormed is native in Node 20 and later. */
const wellFormed = (text: string): boolean => (text as unknown as { isWellFormed(): boolean }).isWellFormed();

function quoted(text: string): string {
  if (!wellFormed(text)) throw ASK_REFERENCE;
  return JSON.stringify(text);
}

/**
 * One pass over plain data: null, booleans, finite numbers, well-formed strings, arrays and plain objects. Keys
 * sorted by UTF-16 code units (Array.prototype.sort's default), numbers and strings in ECMAScript's JSON forms, as
 * RFC 8785 asks and `canonicalize` writes them. Anything else (toJSON, NaN, lone surrogates, functions, symbols,
 * bigints, cycles) is left to the reference, so both always give the same answer.
 */
function encode(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return quoted(value);
    case 'number':
      if (!Number.isFinite(value)) throw ASK_REFERENCE;
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      if (Array.isArray(value)) return encodeArray(value);
      return encodeObject(value as Record<string, unknown>);
    default:
      throw ASK_REFERENCE;
  }
}

function encodeArray(items: readonly unknown[]): string {
  let text = '[';
  for (let i = 0; i < items.length; i += 1) {
    const item = items[i];
    // A hole of a sparse array reads as undefined too, and the reference writes it differently: it decides.
    if (item === undefined && !(i in items)) throw ASK_REFERENCE;
    text += (i === 0 ? '' : ',') + (item === undefined ? 'null' : encode(item));
  }
  return text + ']';
}

function encodeObject(object: Record<string, unknown>): string {
  if (typeof object.toJSON === 'function') throw ASK_REFERENCE;
  let text = '{';
  let first = true;
  for (const key of Object.keys(object).sort()) {
    const item = object[key];
    if (item === undefined) continue;
    text += (first ? '' : ',') + quoted(key) + ':' + encode(item);
    first = false;
  }
  return text + '}';
}

/**
 * RFC 8785 (JSON Canonicalization Scheme) serialization: sorted keys, fixed number and string forms. The audit
 * chain hashes it, so it must never change: the fast encoder gives byte for byte what the reference gives
 * (src/kernel/canonical-json.test.ts compares both on the RFC's examples and on generated values), and hands the
 * reference everything it does not take on itself.
 */
export function canonicalJson(value: unknown): string {
  try {
    if (value !== undefined) return encode(value);
  } catch (error) {
    if (error !== ASK_REFERENCE && !(error instanceof RangeError)) throw error;
  }
  return referenceCanonicalJson(value);
}
