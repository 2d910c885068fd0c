import canonicalize from 'canonicalize';

/** RFC 8785 (JSON Canonicalization Scheme) serialization: sorted keys, fixed number and string forms. */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value cannot be represented as canonical JSON');
  return text;
}
