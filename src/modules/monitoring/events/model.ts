/** Severity of a security event or an alert, in rising order. */
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const severityRank = (severity: string): number => SEVERITIES.indexOf(severity as Severity);

/**
 * One security event: what happened, where, by whom, with what outcome. Every source (the pipeline's audited
 * attempts, identity, ingest, OPC UA, recipes, audit, backup, privacy, crypto) is mapped into this one shape
 * (normalize.ts), so a rule reads the same fields whatever module noticed the happening.
 */
export interface SecurityEvent {
  id: string;
  /** When it happened, epoch ms. */
  at: number;
  /** The module that noticed it: identity, pipeline, ingest, recipes, audit, backup, privacy, crypto, opcua… */
  source: string;
  /** What happened, stable for rules: `login.failed`, `access.denied`, `device.unknown`, `backup.failed`… */
  kind: string;
  /** The command or read (`identity.login`), when the event is an audited attempt. */
  action: string | null;
  outcome: 'success' | 'failed' | 'denied' | 'error' | 'observed';
  severity: Severity;
  actor: { kind: string; id: string } | null;
  /** A device (ingest device id or OPC UA connection) the event is about. */
  device: string | null;
  /** A place in the plant hierarchy (equipment path), where one is known. */
  place: string | null;
  /** The network address the attempt came from. */
  address: string | null;
  target: { type: string; id: string } | null;
  /** MITRE ATT&CK for ICS technique id, where one fits (techniques.ts). */
  technique: string | null;
  /** How many happenings this event stands for (sources that count repeats, like ingest, send one with a count). */
  count: number;
  /** A few facts of the source's (never a secret, never a decrypted value). */
  details: Record<string, string | number | boolean | null>;
}
