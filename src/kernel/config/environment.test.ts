import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from './load.js';
import { environmentKeys } from './schema.js';

let cwd: string;

beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), 'bastion-config-env-'));
});

afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

// Each variable is set alone to a value other than its default, so a variable the loader ignored would fail.
describe('environment variables', () => {
  it('every environment variable documented in OPERATIONS.md sets the key documented beside it, and nothing else', () => {
    const documented = documentedVariables();
    expect(documented.size).toBeGreaterThanOrEqual(31); // the tables were found, not an empty parse
    const defaults = loadConfig({ env: {}, cwd });
    for (const [name, key] of documented) {
      expect(environmentKeys[name]?.path.join('.'), `${name} per OPERATIONS.md`).toBe(key);
      const { text, value } = sampleOf(name);
      const config = loadConfig({ env: { [name]: text }, cwd });
      expect(valueAt(config, key), name).toEqual(value);
      expect(valueAt(defaults, key), `${name}: the sample differs from the default`).not.toEqual(value);
      expect(without(config, key), `${name} changes only ${key}`).toEqual(without(defaults, key));
    }
  });

  it('every variable the loader accepts sets the key it names', () => {
    for (const [name, { path }] of Object.entries(environmentKeys)) {
      const { text, value } = sampleOf(name);
      expect(valueAt(loadConfig({ env: { [name]: text }, cwd }), path.join('.')), name).toEqual(value);
    }
  });
});

/**
 * The variable → key pairs OPERATIONS.md documents: table rows (`key`, … | `VARIABLE`, …, paired in order) and
 * prose that names a key with its variable (`key`, `VARIABLE` or `key` (`VARIABLE`).
 */
function documentedVariables(): Map<string, string> {
  const text = readFileSync(new URL('../../../docs/OPERATIONS.md', import.meta.url), 'utf8');
  const pairs = new Map<string, string>();
  const add = (name: string, key: string) => {
    expect(pairs.get(name) ?? key, `${name} is documented for one key`).toBe(key);
    pairs.set(name, key);
  };
  for (const line of text.split('\n')) {
    const cells = line.split('|');
    if (line.startsWith('|') && cells.length > 3) {
      const keys = [...cells[1]!.matchAll(/`([a-zA-Z][\w.]*)`/g)].map((m) => m[1]!);
      const names = [...cells[2]!.matchAll(/`(BASTION_[A-Z_]+)`/g)].map((m) => m[1]!);
      if (names.length > 0) {
        expect(names.length, line).toBe(keys.length);
        names.forEach((name, i) => add(name, keys[i]!));
      }
      continue;
    }
    for (const m of line.matchAll(/`([a-zA-Z][\w.]*)`(?:, | \()`(BASTION_[A-Z_]+)`/g)) add(m[2]!, m[1]!);
  }
  return pairs;
}

/** A value for each variable that differs from the default, with what the loaded configuration must then hold. */
function sampleOf(name: string): { text: string; value: unknown } {
  const samples: Record<string, { text: string; value: unknown }> = {
    BASTION_DATA_DIR: { text: 'var/bastion', value: join(cwd, 'var', 'bastion') },
    BASTION_HOST: { text: '0.0.0.0', value: '0.0.0.0' },
    BASTION_PORT: { text: '9443', value: 9443 },
    BASTION_DATABASE_URL: { text: 'postgres://localhost/mes', value: 'postgres://localhost/mes' },
    BASTION_DATABASE_TLS_MODE: { text: 'verify-full', value: 'verify-full' },
    BASTION_DATABASE_CA_FILE: { text: '/etc/bastion/db-ca.pem', value: '/etc/bastion/db-ca.pem' },
    BASTION_DATABASE_CERT_FILE: { text: '/etc/bastion/db-client.crt', value: '/etc/bastion/db-client.crt' },
    BASTION_DATABASE_KEY_FILE: { text: '/etc/bastion/db-client.key', value: '/etc/bastion/db-client.key' },
    BASTION_DATABASE_ALLOW_PLAINTEXT: { text: 'true', value: true },
    BASTION_DATABASE_SQLITE_MMAP_MB: { text: '128', value: 128 },
    BASTION_DATABASE_SQLITE_CACHE_MB: { text: '64', value: 64 },
    BASTION_DATABASE_POSTGRES_PREPARED_STATEMENTS: { text: 'false', value: false },
    BASTION_LOG_LEVEL: { text: 'warn', value: 'warn' },
    BASTION_LOG_FORMAT: { text: 'pretty', value: 'pretty' },
    BASTION_HTTP_PLAIN: { text: 'true', value: true },
    BASTION_HTTP_BODY_LIMIT: { text: '4096', value: 4096 },
    BASTION_HTTP_RATE_LIMIT: { text: '50', value: 50 },
    BASTION_HTTP_RATE_WINDOW: { text: '30', value: 30 },
    BASTION_TLS_CERT_FILE: { text: '/etc/bastion/server.crt', value: '/etc/bastion/server.crt' },
    BASTION_TLS_KEY_FILE: { text: '/etc/bastion/server.key', value: '/etc/bastion/server.key' },
    BASTION_TLS_MIN_VERSION: { text: 'TLSv1.3', value: 'TLSv1.3' },
    BASTION_TLS_CIPHERS: { text: 'TLS_AES_128_GCM_SHA256', value: 'TLS_AES_128_GCM_SHA256' },
    BASTION_AUDIT_CHECKPOINT_EVERY: { text: '10', value: 10 },
    BASTION_AUDIT_CHECKPOINT_SECONDS: { text: '5', value: 5 },
    BASTION_AUDIT_DENIAL_WINDOW: { text: '120', value: 120 },
    BASTION_AUDIT_WITNESS_DIRS: { text: 'w1,w2', value: [join(cwd, 'w1'), join(cwd, 'w2')] },
    BASTION_SESSION_IDLE_MINUTES: { text: '10', value: 10 },
    BASTION_SESSION_TERMINAL_IDLE_MINUTES: { text: '3', value: 3 },
    BASTION_SESSION_CACHE_SECONDS: { text: '0', value: 0 },
    BASTION_LOCKOUT_THRESHOLD: { text: '7', value: 7 },
    BASTION_OPCUA_ENABLED: { text: 'false', value: false },
    BASTION_MQTT_ENABLED: { text: 'false', value: false },
    BASTION_MQTT_PORT: { text: '8884', value: 8884 },
    BASTION_MQTT_PLAIN_PORT: { text: '1883', value: 1883 },
    BASTION_MQTT_MAX_PAYLOAD: { text: '1024', value: 1024 },
    BASTION_MQTT_MAX_RATE: { text: '20', value: 20 },
    BASTION_MQTT_MAX_FUTURE_SKEW: { text: '5', value: 5 },
    BASTION_MQTT_MAX_AGE_HOURS: { text: '48', value: 48 },
    BASTION_MQTT_URL: { text: 'mqtts://broker.plant:8883', value: 'mqtts://broker.plant:8883' },
    BASTION_MQTT_SHARED_GROUP: { text: 'line-2', value: 'line-2' },
    BASTION_MQTT_SHARED: { text: 'false', value: false },
    BASTION_MQTT_CLIENT_ID: { text: 'bastion-a', value: 'bastion-a' },
    BASTION_MQTT_CA_FILE: { text: '/etc/bastion/ca.pem', value: '/etc/bastion/ca.pem' },
    BASTION_MQTT_CERT_FILE: { text: '/etc/bastion/client.crt', value: '/etc/bastion/client.crt' },
    BASTION_MQTT_KEY_FILE: { text: '/etc/bastion/client.key', value: '/etc/bastion/client.key' },
    BASTION_MQTT_USERNAME: { text: 'bastion', value: 'bastion' },
    BASTION_MQTT_PASSWORD_FILE: { text: '/etc/bastion/mqtt.pw', value: '/etc/bastion/mqtt.pw' },
    BASTION_MQTT_SESSION_EXPIRY: { text: '600', value: 600 },
    BASTION_MQTT_HOST_ID: { text: 'plant-host', value: 'plant-host' },
    BASTION_KEK_SOURCE: { text: 'passphrase', value: 'passphrase' },
    BASTION_KEK_FILE: { text: '/etc/bastion/kek.key', value: '/etc/bastion/kek.key' },
    BASTION_PRIVACY_DISPOSE_EVERY_HOURS: { text: '6', value: 6 },
  };
  const sample = samples[name];
  if (sample === undefined) throw new Error(`no sample value for ${name}: add one here`);
  return sample;
}

const valueAt = (config: object, key: string): unknown =>
  key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], config);

/** A copy of the configuration without `key`, to compare everything else. */
function without(config: object, key: string): unknown {
  const copy = structuredClone(config) as Record<string, unknown>;
  const path = key.split('.');
  const parent = path.slice(0, -1).reduce((node, part) => node[part] as Record<string, unknown>, copy);
  delete parent[path.at(-1)!];
  return copy;
}
