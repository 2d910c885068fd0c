import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { ConnectionOptions } from 'node:tls';
import type { IClientOptions } from 'mqtt';
import type { BastionConfig } from '../../kernel/config/schema.js';
import { ConfigError } from '../../kernel/config/load.js';

/** The device data Bastion takes: the Sparkplug types an edge node publishes, and the JSON layout. */
const SPARKPLUG_TYPES = ['NBIRTH', 'NDATA', 'NDEATH', 'DBIRTH', 'DDATA', 'DDEATH'];

/**
 * Shared subscriptions, one per published type rather than `spBv1.0/#`: MQTT 5 forbids No Local on a
 * shared subscription, so `#` would bring back Bastion's own NCMD rebirth requests (and every other host's
 * commands and STATE messages), which are not device data. With `shared` off (one instance), the same
 * filters without `$share/<group>/`: some brokers keep plain subscriptions of a persistent session over a
 * restart but not shared ones (Mosquitto 2.0.11, see docs/OPERATIONS.md).
 */
export function sharedFilters(group: string, shared = true): string[] {
  const prefix = shared ? `$share/${group}/` : '';
  return [...SPARKPLUG_TYPES.map((type) => `${prefix}spBv1.0/+/${type}/#`), `${prefix}bastion/v1/+/data`];
}

function readFile(key: string, path: string | undefined): Buffer | undefined {
  if (path === undefined) return undefined;
  try {
    return readFileSync(resolve(path));
  } catch (error) {
    throw new ConfigError(
      `Invalid configuration: mqtt.${key} cannot be read (${(error as NodeJS.ErrnoException).code})`,
    );
  }
}

/**
 * A client ID stable across restarts of the same instance (same host, data directory and database), so
 * the broker's session, holding the messages not yet acknowledged, is found again after a crash; and
 * distinct between instances, since a second connection with the same ID would take the first one over.
 */
export function defaultClientId(config: BastionConfig): string {
  const where = [hostname(), resolve(config.dataDir), config.databaseUrl ?? ''].join('\u0000');
  return `bastion-${createHash('sha256').update(where).digest('hex').slice(0, 16)}`;
}

/**
 * mqtt.js options for the external broker (mqtt.js hands the TLS ones to tls.connect as they are); the
 * password is read from its file and only handed to mqtt.js.
 */
export function clientOptions(
  config: BastionConfig,
): IClientOptions & Pick<ConnectionOptions, 'minVersion' | 'ciphers'> {
  const m = config.mqtt;
  if ((m.certFile === undefined) !== (m.keyFile === undefined))
    throw new ConfigError('Invalid configuration: mqtt.certFile and mqtt.keyFile go together');
  const password = readFile('passwordFile', m.passwordFile)?.toString('utf8').trim();
  return {
    protocolVersion: 5,
    clientId: m.clientId ?? defaultClientId(config),
    // A persistent session: what the broker sent and Bastion did not acknowledge is sent again on reconnect.
    clean: false,
    // Receive Maximum: how many unacknowledged messages the broker may send ahead, so that one batch can
    // commit while the next fills, and no more is held in memory than that.
    properties: {
      sessionExpiryInterval: m.sessionExpirySeconds,
      receiveMaximum: Math.min(65_535, 2 * m.batchMaxMessages),
    },
    username: m.username,
    password,
    ca: readFile('caFile', m.caFile),
    cert: readFile('certFile', m.certFile),
    key: readFile('keyFile', m.keyFile),
    rejectUnauthorized: true,
    // The TLS policy of every other connection (src/http/tls.ts): TLS 1.3, or 1.2 with ECDHE and an AEAD.
    minVersion: config.tls.minVersion,
    ciphers: config.tls.ciphers,
    // Reconnection is ours (external.ts), with a growing delay; mqtt.js would retry at a fixed period.
    reconnectPeriod: 0,
    connectTimeout: 10_000,
    keepalive: 30,
  };
}
