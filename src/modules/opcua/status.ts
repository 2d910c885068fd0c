/** The security policies Bastion accepts: both SHA-256 based; the older ones are deprecated by OPC UA. */
export const SECURITY_POLICIES = ['Basic256Sha256', 'Aes256_Sha256_RsaPss'] as const;
export type SecurityPolicyName = (typeof SECURITY_POLICIES)[number];

export interface ConnectionSpec {
  name: string;
  endpointUrl: string;
  equipment: string;
  securityPolicy: SecurityPolicyName;
  samplingMs: number;
  nodes: { nodeId: string; tag: string }[];
}

export const CONNECTION_STATES = ['stopped', 'connecting', 'connected', 'disconnected', 'refused', 'failed'] as const;
export type ConnectionState = (typeof CONNECTION_STATES)[number];

export interface ConnectionStatus {
  state: ConnectionState;
  /** Why Bastion refused (`untrusted-certificate`, `insecure-endpoint`) or what failed. */
  reason?: string;
  /** What the session negotiated, e.g. `SignAndEncrypt Basic256Sha256`: shown, so it can be checked. */
  security?: string;
  /** The server certificate the session was opened with, so that rejecting it ends the session. */
  serverThumbprint?: string;
  since: number;
}

/**
 * Names the cause of a failed connect. Refusals are Bastion's own security decisions and need a person
 * (approve the certificate, fix the server's security settings); failures may pass by themselves.
 */
export function refusal(error: unknown): ConnectionStatus {
  const message = error instanceof Error ? error.message : String(error);
  const since = Date.now();
  if (/BadCertificateUntrusted/i.test(message)) return { state: 'refused', reason: 'untrusted-certificate', since };
  if (/Bad(Certificate|Security)\w*/i.test(message))
    return { state: 'refused', reason: /Bad(Certificate|Security)\w*/i.exec(message)![0], since };
  if (/cannot find (an )?endpoint|insecure endpoint/i.test(message))
    return { state: 'refused', reason: 'insecure-endpoint', since };
  return { state: 'failed', reason: message.slice(0, 200), since };
}

/** Keeps the scalar kinds a tag can hold; 64-bit integers arrive from node-opcua as [high, low]. */
export function toSampleValue(value: unknown): number | string | boolean | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number'))
    return (value[0] as number) * 2 ** 32 + (value[1] as number);
  return undefined;
}
