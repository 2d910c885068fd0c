import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConflictError } from '../../kernel/errors.js';
import type { BastionConfig } from '../../kernel/config/schema.js';
import { databaseOf } from '../data-dir.js';

/** `<dataDir>/demo.json`: written by `init --demo`; without it `demo reset` refuses to touch anything. */
export const DEMO_MARKER = 'demo.json';

export interface DemoMarker {
  kind: 'bastion-demo';
  /** Where the demo's data lives (no credentials): reset refuses when the configuration points elsewhere. */
  database: string;
  admin: string;
  seededAt: string;
}

export function markerFile(config: BastionConfig): string {
  return join(config.dataDir, DEMO_MARKER);
}

export function writeDemoMarker(config: BastionConfig, admin: string, now: number): void {
  const marker: DemoMarker = {
    kind: 'bastion-demo',
    database: databaseOf(config),
    admin,
    seededAt: new Date(now).toISOString(),
  };
  writeFileSync(markerFile(config), `${JSON.stringify(marker, null, 2)}\n`, { mode: 0o600 });
}

/** The marker of a demo data directory on the configured database, or a refusal naming what is wrong. */
export function requireDemoMarker(config: BastionConfig): DemoMarker {
  const refuse = (why: string) =>
    new ConflictError(
      `${config.dataDir} ${why}; refusing to reset it (only a demo made by "init --demo" can be).`,
      'demo_refused',
    );
  if (!existsSync(markerFile(config))) throw refuse(`was not initialised as a demo (no ${DEMO_MARKER})`);
  let marker: Partial<DemoMarker>;
  try {
    marker = JSON.parse(readFileSync(markerFile(config), 'utf8')) as Partial<DemoMarker>;
  } catch {
    throw refuse(`has an unreadable ${DEMO_MARKER}`);
  }
  if (marker.kind !== 'bastion-demo' || typeof marker.admin !== 'string') throw refuse(`has an invalid ${DEMO_MARKER}`);
  if (marker.database !== databaseOf(config))
    throw refuse(`was seeded in ${marker.database}, but the configured database is ${databaseOf(config)}`);
  return marker as DemoMarker;
}
