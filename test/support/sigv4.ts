import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Checks an AWS Signature Version 4 `Authorization` header against a secret: s3rver accepts any V4 signature,
 * and the tests must see a wrong secret refused as real S3 refuses it. The payload hash is taken from
 * `x-amz-content-sha256` as signed (the body is not re-hashed: this checks who signed, not what was sent).
 */
export function signedWith(request: IncomingMessage, secret: string): boolean {
  const auth = /^AWS4-HMAC-SHA256 Credential=([^,]+), ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(
    request.headers.authorization ?? '',
  );
  if (!auth) return true; // unsigned or another scheme: s3rver's own checks apply
  const [, credential = '', signedHeaders = '', signature = ''] = auth;
  const scope = credential.split('/').slice(1);
  const amzDate = header(request, 'x-amz-date');
  const canonical = canonicalRequest(request, signedHeaders);
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope.join('/'), hex(canonical)].join('\n');
  const key = scope.slice(0, 4).reduce<Buffer | string>((k, part) => hmac(k, part), `AWS4${secret}`);
  const expected = hmac(key, stringToSign).toString('hex');
  return timingSafeEqual(Buffer.from(expected), Buffer.from(signature));
}

function canonicalRequest(request: IncomingMessage, signedHeaders: string): string {
  const [path = '/', query = ''] = (request.url ?? '/').split('?', 2);
  const headers = signedHeaders
    .split(';')
    .map((name) => `${name}:${header(request, name).trim().replace(/\s+/g, ' ')}\n`);
  return [
    request.method,
    path,
    canonicalQuery(query),
    headers.join(''),
    signedHeaders,
    header(request, 'x-amz-content-sha256'),
  ].join('\n');
}

function canonicalQuery(query: string): string {
  if (query === '') return '';
  return query
    .split('&')
    .map((pair) => pair.split('=', 2).map((part) => encode(decodeURIComponent(part.replace(/\+/g, ' ')))))
    .map(([name = '', value = '']) => `${name}=${value}`)
    .sort()
    .join('&');
}

const encode = (text: string) =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const header = (request: IncomingMessage, name: string) => String(request.headers[name] ?? '');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();
const hex = (data: string) => createHash('sha256').update(data).digest('hex');
