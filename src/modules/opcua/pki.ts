import { createHash, X509Certificate } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { OPCUACertificateManager } from 'node-opcua-certificate-manager';
import { NotFoundError } from '../../kernel/errors.js';

export type CertificateState = 'rejected' | 'trusted';

/** A server certificate as an operator judges it: who it names, how long it holds, and our verdict. */
export interface ServerCertificate {
  thumbprint: string;
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
  state: CertificateState;
}

/** Bastion's OPC UA PKI lives in the data directory, never in node-opcua's default (~/.config). */
export function opcuaPkiFolder(dataDir: string): string {
  return join(dataDir, 'pki', 'opcua');
}

/** SHA-1 thumbprint of the first (leaf) certificate of a DER chain, as node-opcua names certificates. */
export function thumbprintOf(chain: Buffer): string {
  // A certificate is one DER SEQUENCE; with a two-byte length (0x82), as any RSA certificate has.
  const leaf = chain[1] === 0x82 ? chain.subarray(0, 4 + chain.readUInt16BE(2)) : chain;
  return createHash('sha1').update(leaf).digest('hex');
}

/** Where node-opcua's client keeps the application certificate it creates. */
const OWN_CERTIFICATE = 'client_certificate.pem';

const folders: Record<CertificateState, string[]> = { rejected: ['rejected'], trusted: ['trusted', 'certs'] };

export type CertificateInfo = Omit<ServerCertificate, 'state'>;

function describe(certificate: X509Certificate): CertificateInfo {
  const name = (dn: string) => dn.split('\n').join(', ');
  return {
    // node-opcua names certificates by their SHA-1 thumbprint in lower-case hex; so do we.
    thumbprint: certificate.fingerprint.replaceAll(':', '').toLowerCase(),
    subject: name(certificate.subject),
    issuer: name(certificate.issuer),
    validFrom: new Date(certificate.validFrom).toISOString(),
    validTo: new Date(certificate.validTo).toISOString(),
  };
}

/**
 * Bastion's own application certificate (own/) and its verdicts on servers (trusted/, rejected/), in
 * node-opcua's folder layout so that its certificate manager enforces them during the handshake.
 */
export class OpcUaPki {
  private ready?: Promise<OPCUACertificateManager>;

  constructor(readonly rootFolder: string) {}

  /** One manager per process: it creates the private key once; unknown servers are never accepted. */
  manager(): Promise<OPCUACertificateManager> {
    this.ready ??= (async () => {
      // Loaded on first use: node-opcua takes about a second to load, which CLI verbs should not pay.
      const { OPCUACertificateManager } = await import('node-opcua-certificate-manager');
      const manager = new OPCUACertificateManager({
        rootFolder: this.rootFolder,
        automaticallyAcceptUnknownCertificate: false,
        keySize: 2048,
        // Watchers keep the process alive and miss other processes' moves anyway; we reload instead.
        disableFileWatchers: true,
      });
      await manager.initialize();
      return manager;
    })();
    return this.ready;
  }

  /** Re-reads the folders, so that a verdict given by another process (the CLI) counts at the next connect. */
  async refresh(): Promise<OPCUACertificateManager> {
    const manager = await this.manager();
    await manager.reloadCertificates();
    return manager;
  }

  async list(): Promise<ServerCertificate[]> {
    const all: ServerCertificate[] = [];
    for (const state of ['trusted', 'rejected'] as const)
      for (const { certificate } of await this.read(state)) all.push({ ...describe(certificate), state });
    return all.sort((a, b) => {
      const bySubject = a.subject.localeCompare(b.subject);
      return bySubject !== 0 ? bySubject : a.thumbprint.localeCompare(b.thumbprint);
    });
  }

  /** Bastion's own certificate (made at the first connect): the server's administrator must trust it. */
  async own(): Promise<CertificateInfo | null> {
    const file = join(this.rootFolder, 'own', 'certs', OWN_CERTIFICATE);
    const pem = await readFile(file).catch(() => undefined);
    if (!pem) return null;
    return describe(new X509Certificate(pem));
  }

  async find(thumbprint: string): Promise<{ certificate: ServerCertificate; der: Buffer }> {
    for (const state of ['trusted', 'rejected'] as const)
      for (const { certificate } of await this.read(state)) {
        const described = { ...describe(certificate), state };
        if (described.thumbprint === thumbprint) return { certificate: described, der: certificate.raw };
      }
    throw new NotFoundError(`No OPC UA server certificate with thumbprint ${thumbprint}.`);
  }

  /** Moves a certificate between rejected/ and trusted/ (node-opcua's own move, under its lock). */
  async move(thumbprint: string, to: CertificateState): Promise<void> {
    const { der } = await this.find(thumbprint);
    const manager = await this.refresh();
    await (to === 'trusted' ? manager.trustCertificate(der) : manager.rejectCertificate(der));
  }

  async dispose(): Promise<void> {
    const ready = this.ready;
    this.ready = undefined;
    if (ready) await (await ready).dispose();
  }

  private async read(state: CertificateState): Promise<{ certificate: X509Certificate }[]> {
    const folder = join(this.rootFolder, ...folders[state]);
    const names = await readdir(folder).catch(() => [] as string[]);
    const found: { certificate: X509Certificate }[] = [];
    for (const name of names.filter((n) => /\.(pem|der)$/i.test(n))) {
      try {
        found.push({ certificate: new X509Certificate(await readFile(join(folder, name))) });
      } catch {
        // A file that is not a certificate is not ours to judge; it is simply not listed.
      }
    }
    return found;
  }
}
