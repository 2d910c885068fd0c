import canonicalize from 'canonicalize';

/*
 * The inclusion proof checked in the browser with WebCrypto, independently of the server's own check. It
 * hashes exactly as src/modules/audit does: a record's leaf is SHA-256(0x00 || previous record's hash ||
 * canonical JSON of the record) (record.ts: the chain link and the RFC 9162 leaf in one; record 1's previous
 * hash is 32 zero bytes), an interior node SHA-256(0x01 || left || right), and the path is walked as in
 * RFC 9162 §2.1.3.2.
 */

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

export function bytesOf(text: string): Uint8Array<ArrayBuffer> {
  if (!/^([0-9a-f]{2})*$/.test(text)) throw new Error(`not a hex string: ${text.slice(0, 16)}…`);
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(text.slice(i * 2, i * 2 + 2), 16);
  return out;
}

async function sha256(...parts: Uint8Array[]): Promise<Uint8Array<ArrayBuffer>> {
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    all.set(part, at);
    at += part.length;
  }
  return new Uint8Array(await crypto.subtle.digest('SHA-256', all));
}

const LEAF = new Uint8Array([0x00]);
const NODE = new Uint8Array([0x01]);
export const GENESIS = '0'.repeat(64);

/** The leaf hash of a record, recomputed from its content and the previous record's hash. */
export async function recordLeafHash(record: unknown, previousHash: string): Promise<string> {
  const body = canonicalize(record);
  if (body === undefined) throw new Error('the record cannot be written as canonical JSON');
  return hex(await sha256(LEAF, bytesOf(previousHash), new TextEncoder().encode(body)));
}

export type Side = 'left' | 'right';

/**
 * Which side each path hash joins on, and the root the path leads to. Side "left" means the path hash is the
 * left child (the running hash is on the right). Returns undefined when the path does not fit the tree size.
 */
export async function walkInclusion(
  index: number,
  size: number,
  leaf: string,
  path: string[],
): Promise<{ root: string; sides: Side[] } | undefined> {
  if (index < 0 || index >= size) return undefined;
  let [fn, sn] = [index, size - 1];
  let r = bytesOf(leaf);
  const sides: Side[] = [];
  for (const p of path) {
    if (sn === 0) return undefined;
    if (fn % 2 === 1 || fn === sn) {
      r = await sha256(NODE, bytesOf(p), r);
      sides.push('left');
      while (fn % 2 === 0 && fn !== 0) [fn, sn] = [fn >> 1, sn >> 1];
    } else {
      r = await sha256(NODE, r, bytesOf(p));
      sides.push('right');
    }
    [fn, sn] = [Math.floor(fn / 2), Math.floor(sn / 2)];
  }
  return sn === 0 ? { root: hex(r), sides } : undefined;
}

function base64Bytes(text: string): Uint8Array<ArrayBuffer> {
  const raw = atob(text);
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

/**
 * The checkpoint's Ed25519 signature over its exact body, checked with the log's public key (PEM, SPKI).
 * Undefined when this browser's WebCrypto has no Ed25519 (the proof itself is still checked).
 */
export async function checkpointSignatureValid(
  body: string,
  signature: string,
  publicKeyPem: string,
): Promise<boolean | undefined> {
  const der = base64Bytes(publicKeyPem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''));
  const key = await crypto.subtle.importKey('spki', der, { name: 'Ed25519' }, false, ['verify']).catch(() => undefined);
  if (key === undefined) return undefined;
  return crypto.subtle.verify({ name: 'Ed25519' }, key, base64Bytes(signature), new TextEncoder().encode(body));
}
