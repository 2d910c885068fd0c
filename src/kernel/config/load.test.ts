import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { ConfigError, loadConfig, publicConfig } from './load.js';

let cwd: string;

beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), 'bastion-config-'));
});

afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

function writeConfig(value: unknown, name = 'bastion.config.json'): string {
  const file = join(cwd, name);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
}

/** Runs loadConfig expecting a ConfigError and returns its message. */
function configError(options: Parameters<typeof loadConfig>[0]): string {
  let caught: unknown;
  try {
    loadConfig(options);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ConfigError);
  expect(caught).toBeInstanceOf(AppError);
  expect((caught as ConfigError).code).toBe('config_invalid');
  return (caught as ConfigError).message;
}

describe('loadConfig defaults', () => {
  it('gives safe defaults with no file and no environment', () => {
    const config = loadConfig({ env: {}, cwd });
    expect(config.port).toBe(8443);
    expect(config.host).toBe('127.0.0.1');
    expect(config.dataDir).toBe(join(cwd, 'data'));
    expect(config.http.plain).toBe(false);
    expect(config.http.bodyLimitBytes).toBe(256 * 1024);
    expect(config.http.rateLimitMax).toBe(600);
    expect(config.http.rateLimitWindowSeconds).toBe(60);
    expect(config.logLevel).toBe('info');
    expect(config.logFormat).toBe('json');
    expect(config.databaseUrl).toBeUndefined();
    expect(config.audit).toEqual({
      checkpointEvery: 1000,
      checkpointSeconds: 60,
      denialWindowSeconds: 60,
      witnessDirs: [],
    });
    expect(config.session.absoluteHours).toBe(12);
  });

  it('ignores environment variables outside BASTION_* and the non-configuration BASTION_* ones', () => {
    const config = loadConfig({
      env: { PATH: '/usr/bin', PORT: '1', bastion_port: '2', BASTION_TEST_DATABASE_URL: 'x', BASTION_BENCH_SCALE: 'y' },
      cwd,
    });
    expect(config.port).toBe(8443);
  });

  it('gives fresh defaults on every call (no state shared through the frozen result)', () => {
    const first = loadConfig({ env: { BASTION_HTTP_PLAIN: 'true', BASTION_AUDIT_WITNESS_DIRS: 'w' }, cwd });
    const second = loadConfig({ env: {}, cwd });
    const third = loadConfig({ env: {}, cwd });
    expect(first.http.plain).toBe(true);
    expect(second.http.plain).toBe(false);
    expect(second.audit.witnessDirs).toEqual([]);
    expect(third).toEqual(second);
    expect(third.http).not.toBe(second.http);
  });
});

describe('loadConfig environment', () => {
  it('applies BASTION_* overrides with the right types', () => {
    const config = loadConfig({
      env: {
        BASTION_PORT: '9443',
        BASTION_HOST: '0.0.0.0',
        BASTION_DATA_DIR: 'var/bastion',
        BASTION_DATABASE_URL: 'postgresql://mes@db:5432/mes?sslmode=require',
        BASTION_LOG_LEVEL: 'debug',
        BASTION_HTTP_PLAIN: 'true',
        BASTION_HTTP_BODY_LIMIT: ' 2048 ',
        BASTION_AUDIT_CHECKPOINT_EVERY: '10',
      },
      cwd,
    });
    expect(config.port).toBe(9443);
    expect(config.host).toBe('0.0.0.0');
    expect(config.dataDir).toBe(join(cwd, 'var', 'bastion'));
    expect(config.databaseUrl).toBe('postgresql://mes@db:5432/mes?sslmode=require');
    expect(config.logLevel).toBe('debug');
    expect(config.http.plain).toBe(true);
    expect(config.http.bodyLimitBytes).toBe(2048);
    expect(config.audit.checkpointEvery).toBe(10);
    // Untouched keys keep their defaults next to overridden siblings.
    expect(config.http.rateLimitMax).toBe(600);
    expect(config.audit.checkpointSeconds).toBe(60);
  });

  it('keeps an absolute BASTION_DATA_DIR as it is', () => {
    const elsewhere = join(cwd, 'elsewhere');
    expect(loadConfig({ env: { BASTION_DATA_DIR: elsewhere }, cwd: join(cwd, 'sub') }).dataDir).toBe(elsewhere);
  });

  it('reads BASTION_AUDIT_WITNESS_DIRS as a comma list of paths resolved against cwd', () => {
    const abs = join(cwd, 'abs-witness');
    const config = loadConfig({ env: { BASTION_AUDIT_WITNESS_DIRS: ` w1 ,${abs},, nested/w2 ,` }, cwd });
    expect(config.audit.witnessDirs).toEqual([join(cwd, 'w1'), abs, join(cwd, 'nested', 'w2')]);
    expect(loadConfig({ env: { BASTION_AUDIT_WITNESS_DIRS: '' }, cwd }).audit.witnessDirs).toEqual([]);
  });

  it('refuses an unknown BASTION_* variable and names it', () => {
    const message = configError({ env: { BASTION_PROT: '9443' }, cwd });
    expect(message).toContain('BASTION_PROT');
    expect(message).toContain('BASTION_PORT'); // the list of what is allowed
  });

  it('refuses an MQTT broker URL that carries credentials (they would be logged and audited)', () => {
    expect(configError({ env: { BASTION_MQTT_URL: 'mqtts://bastion:secret@broker:8883' }, cwd })).toContain('mqtt.url');
  });
});

describe('loadConfig file', () => {
  it('reads bastion.config.json from cwd', () => {
    writeConfig({ port: 9000, host: 'mes.local', dataDir: '/srv/bastion', http: { plain: true } });
    const config = loadConfig({ env: {}, cwd });
    expect(config.port).toBe(9000);
    expect(config.host).toBe('mes.local');
    expect(config.dataDir).toBe('/srv/bastion');
    expect(config.http.plain).toBe(true);
    expect(config.http.bodyLimitBytes).toBe(256 * 1024);
  });

  it('reads the file named by BASTION_CONFIG (relative to cwd, or absolute) instead of bastion.config.json', () => {
    writeConfig({ port: 9000 });
    const named = writeConfig({ port: 9001, audit: { witnessDirs: ['wit'] } }, 'etc/bastion.json');
    const relative = loadConfig({ env: { BASTION_CONFIG: 'etc/bastion.json' }, cwd });
    expect(relative.port).toBe(9001);
    expect(relative.audit.witnessDirs).toEqual([join(cwd, 'wit')]);
    expect(loadConfig({ env: { BASTION_CONFIG: named }, cwd: tmpdir() }).port).toBe(9001);
    // options.file takes precedence over BASTION_CONFIG.
    expect(loadConfig({ env: { BASTION_CONFIG: named }, cwd, file: 'bastion.config.json' }).port).toBe(9000);
  });

  it('refuses a BASTION_CONFIG that does not exist, naming the file', () => {
    const message = configError({ env: { BASTION_CONFIG: 'missing.json' }, cwd });
    expect(message).toContain(join(cwd, 'missing.json'));
    expect(message).toContain('does not exist');
  });

  it('lets the environment win over the file, key by key', () => {
    writeConfig({ port: 9000, dataDir: 'from-file', http: { plain: true, bodyLimitBytes: 4096 } });
    const config = loadConfig({ env: { BASTION_PORT: '9443', BASTION_HTTP_PLAIN: 'false' }, cwd });
    expect(config.port).toBe(9443);
    expect(config.http.plain).toBe(false);
    expect(config.http.bodyLimitBytes).toBe(4096);
    expect(config.dataDir).toBe(join(cwd, 'from-file'));
  });

  it('refuses invalid JSON, naming the file', () => {
    const file = writeConfig('{ "port": 9000, }');
    const message = configError({ env: {}, cwd });
    expect(message).toContain(file);
    expect(message).toContain('not valid JSON');
  });

  it('refuses a file that holds something other than an object, naming the file', () => {
    for (const text of ['[1, 2]', '42', 'null', '"text"']) {
      const file = writeConfig(text);
      const message = configError({ env: {}, cwd });
      expect(message, text).toContain(file);
      expect(message, text).toContain('JSON object');
    }
  });
});

describe('loadConfig errors', () => {
  it('BASTION_PORT=abc names the key, the variable and the expected range', () => {
    const message = configError({ env: { BASTION_PORT: 'abc' }, cwd });
    expect(message).toContain('port');
    expect(message).toContain('BASTION_PORT');
    expect(message).toContain('1 to 65535');
  });

  it.each(['0', '65536', '-1', '80.5', '1e3', ''])('refuses BASTION_PORT=%j', (text) => {
    const message = configError({ env: { BASTION_PORT: text }, cwd });
    expect(message).toContain('"port"');
    expect(message).toContain('BASTION_PORT');
  });

  it('port 70000 in the file names the key, the file and the range', () => {
    const file = writeConfig({ port: 70000 });
    const message = configError({ env: {}, cwd });
    expect(message).toContain('"port"');
    expect(message).toContain(file);
    expect(message).toContain('1 to 65535');
  });

  it('a databaseUrl that is not postgres names the key and the expected form', () => {
    writeConfig({ databaseUrl: 'mysql://x' });
    const message = configError({ env: {}, cwd });
    expect(message).toContain('databaseUrl');
    expect(message).toContain('postgres://');
    const fromEnv = configError({ env: { BASTION_DATABASE_URL: 'mysql://x' }, cwd });
    expect(fromEnv).toContain('databaseUrl');
    expect(fromEnv).toContain('BASTION_DATABASE_URL');
  });

  it('BASTION_HTTP_PLAIN must be true or false', () => {
    const message = configError({ env: { BASTION_HTTP_PLAIN: 'yes' }, cwd });
    expect(message).toContain('http.plain');
    expect(message).toContain('BASTION_HTTP_PLAIN');
    expect(message).toContain('true or false');
  });

  it('an unknown log level lists the allowed ones', () => {
    const message = configError({ env: { BASTION_LOG_LEVEL: 'verbose' }, cwd });
    expect(message).toContain('logLevel');
    expect(message).toContain('fatal, error, warn, info, debug, trace, silent');
  });

  it('BASTION_LOG_FORMAT takes pretty, and anything but json or pretty names the key and both values', () => {
    expect(loadConfig({ env: { BASTION_LOG_FORMAT: 'pretty' }, cwd }).logFormat).toBe('pretty');
    const message = configError({ env: { BASTION_LOG_FORMAT: 'colour' }, cwd });
    expect(message).toContain('key "logFormat" (BASTION_LOG_FORMAT)');
    expect(message).toContain('json or pretty');
  });

  it('refuses an unknown top-level key in the file and names it', () => {
    writeConfig({ prot: 1 });
    const message = configError({ env: {}, cwd });
    expect(message).toContain('unknown key "prot"');
  });

  it('refuses an unknown nested key in the file and names it with its path', () => {
    writeConfig({ http: { plain: true, foo: 1 } });
    const message = configError({ env: {}, cwd });
    expect(message).toContain('http.foo');
    writeConfig({ audit: { witnesDirs: ['x'] } });
    expect(configError({ env: {}, cwd })).toContain('audit.witnesDirs');
  });

  it('reports every bad key at once', () => {
    writeConfig({ port: 0, host: '', session: { absoluteHours: 1000 } });
    const message = configError({ env: { BASTION_HTTP_RATE_LIMIT: '0' }, cwd });
    for (const key of ['"port"', '"host"', '"session.absoluteHours"', '"http.rateLimitMax"']) {
      expect(message).toContain(key);
    }
    expect(message).toContain('BASTION_HTTP_RATE_LIMIT');
  });
});

describe('SQLite memory keys', () => {
  it('default to no map and a 16 MiB page cache', () => {
    expect(loadConfig({ env: {}, cwd }).database.sqlite).toEqual({ mmapMb: 0, cacheMb: 16 });
  });

  it('are read from the file and from BASTION_DATABASE_SQLITE_*, the environment winning key by key', () => {
    writeConfig({ database: { sqlite: { mmapMb: 1024, cacheMb: 64 } } });
    expect(loadConfig({ env: {}, cwd }).database.sqlite).toEqual({ mmapMb: 1024, cacheMb: 64 });
    const config = loadConfig({ env: { BASTION_DATABASE_SQLITE_MMAP_MB: '0' }, cwd });
    expect(config.database.sqlite).toEqual({ mmapMb: 0, cacheMb: 64 });
  });

  it('a map size that is negative, fractional or not a number names the key, the variable and the range', () => {
    for (const text of ['-1', '1.5', 'lots', '65537']) {
      const message = configError({ env: { BASTION_DATABASE_SQLITE_MMAP_MB: text }, cwd });
      expect(message, text).toContain('"database.sqlite.mmapMb"');
      expect(message, text).toContain('BASTION_DATABASE_SQLITE_MMAP_MB');
      expect(message, text).toContain('0 to 65536');
    }
  });

  it('a page cache of 0 MiB in the file names the key, the file and the range', () => {
    const file = writeConfig({ database: { sqlite: { cacheMb: 0 } } });
    const message = configError({ env: {}, cwd });
    expect(message).toContain('"database.sqlite.cacheMb"');
    expect(message).toContain(file);
    expect(message).toContain('1 to 65536');
  });

  it('refuses an unknown key under database.sqlite and names it', () => {
    writeConfig({ database: { sqlite: { pageSize: 4096 } } });
    expect(configError({ env: {}, cwd })).toContain('database.sqlite.pageSize');
  });
});

describe('loaded configuration', () => {
  it('is deeply frozen', () => {
    const config = loadConfig({ env: { BASTION_AUDIT_WITNESS_DIRS: 'a,b' }, cwd });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.http)).toBe(true);
    expect(Object.isFrozen(config.audit)).toBe(true);
    expect(Object.isFrozen(config.audit.witnessDirs)).toBe(true);
    expect(Object.isFrozen(config.session)).toBe(true);
    expect(() => {
      (config as { port: number }).port = 1;
    }).toThrow(TypeError);
    expect(() => {
      (config.http as { plain: boolean }).plain = true;
    }).toThrow(TypeError);
    expect(() => config.audit.witnessDirs.push('c')).toThrow(TypeError);
    expect(config.port).toBe(8443);
    expect(config.http.plain).toBe(false);
  });

  it('publicConfig redacts the database password and nothing else', () => {
    const url = 'postgres://bastion:s3cret-pa55@db.example:5432/mes?sslmode=require';
    const config = loadConfig({ env: { BASTION_DATABASE_URL: url }, cwd });
    const shown = publicConfig(config);
    expect(JSON.stringify(shown)).not.toContain('s3cret-pa55');
    expect(shown.databaseUrl).toBe('postgres://bastion:redacted@db.example:5432/mes?sslmode=require');
    expect({ ...shown, databaseUrl: url }).toEqual({ ...config });
    // The configuration itself keeps the secret.
    expect(config.databaseUrl).toBe(url);
  });

  it('publicConfig leaves a URL without a password alone and copes with no URL', () => {
    const url = 'postgresql://bastion@db.example/mes?sslmode=verify-full&sslrootcert=%2Fetc%2Fca.pem';
    expect(publicConfig(loadConfig({ env: { BASTION_DATABASE_URL: url }, cwd })).databaseUrl).toBe(url);
    const shown = publicConfig(loadConfig({ env: {}, cwd }));
    expect(shown.databaseUrl).toBeUndefined();
    expect(shown.port).toBe(8443);
  });

  it('publicConfig never shows an unparseable URL, which might hold a password', () => {
    const url = 'postgres://bastion:s3cret@[not-a-host/mes';
    const shown = publicConfig(loadConfig({ env: { BASTION_DATABASE_URL: url }, cwd }));
    expect(String(shown.databaseUrl)).not.toContain('s3cret');
  });
});

describe('a file value that an environment variable would reach into', () => {
  it('is still refused when it is not an object', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'bastion-cfg-nested-'));
    writeFileSync(join(cwd, 'bastion.config.json'), JSON.stringify({ http: 5 }));
    expect(() => loadConfig({ env: { BASTION_HTTP_PLAIN: 'true' }, cwd })).toThrow(/"http"/);
    rmSync(cwd, { recursive: true, force: true });
  });
});
