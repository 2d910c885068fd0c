import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../kernel/config/load.js';
import { outsideWindow, timeWindowOf } from './timestamps.js';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 11, 1, 12, 0);
// An empty directory: no bastion.config.json to read but the environment given.
const cwd = mkdtempSync(join(tmpdir(), 'bastion-window-'));
const windowFrom = (env: Record<string, string>) => timeWindowOf(loadConfig({ env, cwd }));

describe('the device timestamp window', () => {
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it('defaults to 60 s ahead and 24 h back, and takes both from the configuration', () => {
    expect(windowFrom({})).toEqual({ maxFutureMs: 60_000, maxAgeMs: 24 * HOUR });
    const window = windowFrom({ BASTION_MQTT_MAX_FUTURE_SKEW: '5', BASTION_MQTT_MAX_AGE_HOURS: '72' });
    expect(window).toEqual({ maxFutureMs: 5_000, maxAgeMs: 72 * HOUR });
    expect(outsideWindow(NOW + 5_000, false, NOW, window)).toBeUndefined();
    expect(outsideWindow(NOW + 5_001, false, NOW, window)).toMatch(/ahead of the server \(limit 5 s\)/);
    expect(outsideWindow(NOW - 48 * HOUR, false, NOW, window)).toBeUndefined();
    expect(outsideWindow(NOW - 73 * HOUR, false, NOW, window)).toMatch(/73\.0 h old \(limit 72 h\)/);
    // Historical values may be old, never from the future.
    expect(outsideWindow(NOW - 1000 * HOUR, true, NOW, window)).toBeUndefined();
    expect(outsideWindow(NOW + HOUR, true, NOW, window)).toMatch(/ahead/);
  });

  it('refuses a window that is not a whole number in range, naming the key', () => {
    expect(() => loadConfig({ env: { BASTION_MQTT_MAX_AGE_HOURS: '0' }, cwd })).toThrow(ConfigError);
    expect(() => loadConfig({ env: { BASTION_MQTT_MAX_AGE_HOURS: '0' }, cwd })).toThrow(/maxAgeHours/);
  });
});
