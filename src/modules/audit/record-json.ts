import { canonicalJson } from '../../kernel/canonical-json.js';

/**
 * Canonical JSON (RFC 8785) of an audit record, byte for byte what kernel/canonical-json.ts writes, in about half
 * its time. Every command pays for this encoding, and the string building of a general encoder is most of it:
 * here the value is copied with its keys inserted in sorted order and the engine's JSON.stringify writes the copy
 * in one pass. That gives the canonical form because JSON.stringify writes a plain object's keys in insertion
 * order (for keys that are not array indexes), and writes strings and numbers exactly as RFC 8785 asks (the RFC
 * takes both from ECMAScript). Whatever could break that (array-index keys, toJSON, non-finite numbers, lone
 * surrogates, class instances, sparse arrays, nesting deep enough to overflow the stack) is declined and the
 * kernel's encoder decides, so the two can never differ; record-json.test.ts checks them on generated values.
 */
export function recordJson(value: unknown): string {
  try {
    return JSON.stringify(sortedCopy(value));
  } catch (error) {
    if (error !== DECLINED && !(error instanceof RangeError)) throw error;
    return canonicalJson(value);
  }
}

/** Thrown for anything left to the kernel's encoder; made once, never escapes this file. */
const DECLINED = new Error('left to canonicalJson');

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
