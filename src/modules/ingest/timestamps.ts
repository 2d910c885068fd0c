import type { BastionConfig } from '../../kernel/config/schema.js';

/** How far a device's timestamps may stray from the server's clock before its message is set aside. */
export interface TimeWindow {
  maxFutureMs: number;
  maxAgeMs: number;
}

export function timeWindowOf(config: BastionConfig): TimeWindow {
  return {
    maxFutureMs: config.mqtt.maxFutureSkewSeconds * 1000,
    maxAgeMs: config.mqtt.maxAgeHours * 3_600_000,
  };
}

const iso = (ts: number) => (Number.isFinite(ts) && Math.abs(ts) < 8.64e15 ? new Date(ts).toISOString() : String(ts));

/**
 * Why a value's timestamp is outside the window, or undefined when it is inside. A clock far ahead would
 * open states in the future; a value hours old would change shifts already reported, so an old value is
 * taken only when the device marks it historical (Sparkplug's `is_historical`: store-and-forward).
 */
export function outsideWindow(ts: number, historical: boolean, now: number, window: TimeWindow): string | undefined {
  if (ts > now + window.maxFutureMs)
    return `timestamp ${iso(ts)} is ${Math.round((ts - now) / 1000)} s ahead of the server (limit ${window.maxFutureMs / 1000} s)`;
  if (!historical && ts < now - window.maxAgeMs)
    return `timestamp ${iso(ts)} is ${((now - ts) / 3_600_000).toFixed(1)} h old (limit ${window.maxAgeMs / 3_600_000} h) and not marked historical`;
  return undefined;
}
