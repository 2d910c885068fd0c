import { execFileSync } from 'node:child_process';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server } from 'node:https';
import { join } from 'node:path';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { SMTPServer } from 'smtp-server';

/** A self-signed certificate for 127.0.0.1 and localhost, made by openssl; it is its own CA for the client. */
export function makeCertificate(dir: string): { key: string; cert: string; caFile: string } {
  const keyFile = join(dir, 'receiver.key');
  const certFile = join(dir, 'receiver.crt');
  execFileSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1'],
      ...['-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'],
      ...['-keyout', keyFile, '-out', certFile],
    ],
    { stdio: 'pipe' },
  );
  return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), caFile: certFile };
}

/** The receiver's own check, independent of Bastion's code: HMAC-SHA256 of `${timestamp}.${body}`, compared in constant time. */
export function verifySignature(secret: string, timestamp: string, body: string, header: string): boolean {
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`);
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export interface WebhookCall {
  path: string;
  deliveryId: string;
  timestamp: string;
  signature: string;
  body: string;
  verified: boolean;
}

const listen = (server: Server | TlsServer, port: number) =>
  new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
const close = (server: Server | TlsServer) => new Promise<void>((resolve) => server.close(() => resolve()));

/** An HTTPS webhook receiver on a fixed port that can go down and come back (`stop`, `start`). */
export class WebhookReceiver {
  readonly calls: WebhookCall[] = [];
  private server: Server | undefined;
  constructor(
    private readonly tls: { key: string; cert: string },
    private readonly secret: string,
    readonly port: number,
  ) {}

  async start(): Promise<void> {
    this.server = createHttpsServer(this.tls, (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const timestamp = String(request.headers['x-bastion-timestamp']);
        const signature = String(request.headers['x-bastion-signature']);
        const verified = verifySignature(this.secret, timestamp, body, signature);
        const deliveryId = String(request.headers['x-bastion-delivery']);
        this.calls.push({ path: request.url ?? '', deliveryId, timestamp, signature, body, verified });
        response.writeHead(verified ? 204 : 401).end();
      });
    });
    await listen(this.server, this.port);
  }

  async stop(): Promise<void> {
    if (this.server) await close(this.server);
    this.server = undefined;
  }
}

/** A syslog server over TLS (RFC 5425) that splits octet-counted frames (RFC 6587 §3.4.1). */
export class SyslogReceiver {
  readonly messages: string[] = [];
  private server: TlsServer | undefined;
  port = 0;
  constructor(private readonly tls: { key: string; cert: string }) {}

  async start(): Promise<void> {
    this.server = createTlsServer(this.tls, (socket) => {
      let buffer = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        buffer = Buffer.concat([buffer, chunk]);
        for (;;) {
          const space = buffer.indexOf(0x20);
          if (space < 0) return;
          const length = Number(buffer.subarray(0, space).toString('ascii'));
          if (buffer.length < space + 1 + length) return;
          this.messages.push(buffer.subarray(space + 1, space + 1 + length).toString('utf8'));
          buffer = buffer.subarray(space + 1 + length);
        }
      });
    });
    await listen(this.server, 0);
    this.port = (this.server.address() as { port: number }).port;
  }

  async stop(): Promise<void> {
    if (this.server) await close(this.server);
  }
}

export interface Mail {
  user: string;
  secure: boolean;
  raw: string;
  header(name: string): string | undefined;
}

/** smtp-server offering STARTTLS, requiring it and AUTH before mail (as a relay must). */
export async function startSmtp(
  tls: { key: string; cert: string },
  credentials: { user: string; pass: string },
): Promise<{ port: number; mails: Mail[]; stop: () => Promise<void> }> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    ...tls,
    authMethods: ['PLAIN', 'LOGIN'],
    disabledCommands: [],
    onAuth(auth, session, callback) {
      if (!session.secure) return callback(new Error('STARTTLS first'));
      if (auth.username !== credentials.user || auth.password !== credentials.pass) {
        return callback(new Error('Invalid username or password'));
      }
      callback(null, { user: auth.username });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const headers = raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
        const header = (name: string) =>
          headers
            .split(/\r?\n/)
            .find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))
            ?.slice(name.length + 1)
            .trim();
        mails.push({ user: String(session.user), secure: session.secure, raw, header });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  return { port, mails, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
