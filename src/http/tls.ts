import 'reflect-metadata';
import { randomBytes, webcrypto } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import type { BastionConfig } from '../kernel/config/schema.js';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export function defaultTlsFiles(dataDir: string): { certFile: string; keyFile: string } {
  return { certFile: join(dataDir, 'tls', 'server.crt'), keyFile: join(dataDir, 'tls', 'server.key') };
}

function toPem(der: ArrayBuffer, label: string): string {
  const base64 = Buffer.from(der)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n');
  return `-----BEGIN ${label}-----\n${base64.trimEnd()}\n-----END ${label}-----\n`;
}

/**
 * A self-signed ECDSA P-256 certificate for localhost, valid one year, made once at `bastion init` when no
 * certificate is configured. Production sites replace it with one from their own CA (docs/OPERATIONS.md).
 */
export async function createSelfSignedCertificate(dataDir: string, hostNames: string[] = []): Promise<boolean> {
  const { certFile, keyFile } = defaultTlsFiles(dataDir);
  if (existsSync(certFile) && existsSync(keyFile)) return false;
  mkdirSync(join(dataDir, 'tls'), { recursive: true, mode: 0o700 });
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const now = Date.now();
  const names = [...new Set(['localhost', ...hostNames])].filter((n) => !/^[\d.:]+$/.test(n));
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomBytes(16)
      .toString('hex')
      .replace(/^[89a-f]/, '1'),
    name: 'CN=Bastion MES (self-signed)',
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 365 * 24 * 3_600_000),
    signingAlgorithm: algorithm,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        ...names.map((value) => ({ type: 'dns' as const, value })),
        { type: 'ip', value: '127.0.0.1' },
        { type: 'ip', value: '::1' },
      ]),
    ],
  });
  const privateKey = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  writeFileSync(keyFile, toPem(privateKey, 'PRIVATE KEY'), { mode: 0o600 });
  writeFileSync(certFile, certificate.toString('pem') + '\n', { mode: 0o644 });
  return true;
}

/** The certificate and key to serve: configured files, else the ones `bastion init` made. */
export function loadTls(config: BastionConfig): { cert: Buffer; key: Buffer } {
  const fallback = defaultTlsFiles(config.dataDir);
  const certFile = config.http.tlsCertFile ?? fallback.certFile;
  const keyFile = config.http.tlsKeyFile ?? fallback.keyFile;
  return { cert: readFileSync(certFile), key: readFileSync(keyFile) };
}

/**
 * The TLS policy of every listener (HTTPS and MQTT over TLS): TLS 1.3, or TLS 1.2 with ECDHE key exchange and an
 * AEAD cipher; no CBC, SHA-1, CCM, ARIA, Camellia or RSA key exchange. Node takes TLS 1.3 suites (TLS_*) and
 * TLS 1.2 suites from the same list; the configuration schema refuses anything outside the policy.
 */
export function tlsPolicy(tls: BastionConfig['tls']): {
  minVersion: 'TLSv1.2' | 'TLSv1.3';
  ciphers: string;
  honorCipherOrder: true;
} {
  return { minVersion: tls.minVersion, ciphers: tls.ciphers, honorCipherOrder: true };
}
