import type { AlertMessage } from './message.js';

/** One configured destination, built once from configuration. `send` resolves when the receiver took it. */
export interface Notifier {
  readonly name: string;
  send(message: AlertMessage): Promise<void>;
  /** Secrets it holds, so that no error text that echoes one is stored or logged (secret.ts, safeError). */
  readonly secrets: readonly string[];
}

/** The outbound TLS policy of the instance (config.tls), applied as the MQTT client and the database do. */
export interface TlsPolicy {
  minVersion: 'TLSv1.2' | 'TLSv1.3';
  ciphers: string;
}

/** What a notifier needs besides its own configuration. */
export interface NotifierEnv {
  tls: TlsPolicy;
  /** Bastion's version, for CEF's header. */
  version: string;
  hostname: string;
}

/** The delivery timeout of every notifier: a stuck receiver must not hold the outbox. */
export const SEND_TIMEOUT_MS = 10_000;
