import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { signedWith } from './sigv4.js';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

export interface OwnS3Server {
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  /** A file holding the secret access key, as `secretAccessKeyFile` expects. */
  secretFile: string;
  /** With `tls`: the PEM of the server's self-signed certificate, for `caFile`. */
  caFile?: string;
  /** The server's storage directory (and the secret file's). */
  dir: string;
  /** Every request the server received, in order: what the client actually sent. */
  requests: RecordedRequest[];
  close(): Promise<void>;
}

// s3rver's one account: another key ID is refused by s3rver (InvalidAccessKeyId), another secret by signedWith.
const accessKeyId = 'S3RVER';
const secretAccessKey = 'S3RVER';

/**
 * s3rver (an S3 implementation over the file system) on a free loopback port, with one bucket made; with
 * `tls`, over HTTPS with a self-signed certificate for 127.0.0.1 whose PEM is `caFile`.
 */
export async function startS3Server(options: { tls?: boolean } = {}): Promise<OwnS3Server> {
  const dir = mkdtempSync(join(tmpdir(), 'bastion-s3-'));
  const tls = options.tls === true ? selfSigned(dir) : undefined;
  const secretFile = join(dir, 'secret');
  writeFileSync(secretFile, `${secretAccessKey}\n`, { mode: 0o600 });
  const bucket = 'bastion-backups';
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: join(dir, 'data'),
    configureBuckets: [{ name: bucket }],
    ...(tls ? { key: readFileSync(tls.key), cert: readFileSync(tls.cert) } : {}),
  });
  const { port } = await server.run();
  const requests: RecordedRequest[] = [];
  // In front of s3rver: record the headers as they arrived, and check the signature it does not check.
  const [serve] = server.httpServer.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  if (!serve) throw new Error('s3rver has no request listener');
  server.httpServer.removeAllListeners('request');
  server.httpServer.on('request', (request: IncomingMessage, response: ServerResponse) => {
    requests.push({ method: request.method ?? '', url: request.url ?? '', headers: { ...request.headers } });
    if (signedWith(request, secretAccessKey)) serve(request, response);
    else refuse(response);
  });
  return {
    endpoint: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    ...(tls ? { caFile: tls.cert } : {}),
    bucket,
    accessKeyId,
    secretFile,
    dir,
    requests,
    async close() {
      server.httpServer.closeAllConnections();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function refuse(response: ServerResponse): void {
  response.writeHead(403, { 'content-type': 'application/xml' });
  response.end(
    '<?xml version="1.0" encoding="UTF-8"?><Error><Code>SignatureDoesNotMatch</Code>' +
      '<Message>The request signature we calculated does not match the signature you provided.</Message></Error>',
  );
}

function selfSigned(dir: string): { key: string; cert: string } {
  const key = join(dir, 'tls.key');
  const cert = join(dir, 'tls.crt');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  return { key, cert };
}
