import type { Logger } from 'pino';
import type { BastionConfig } from '../../kernel/config/schema.js';
import { ADMINISTRATOR } from '../../modules/identity/index.js';
import { CLI_ORIGIN, CONSOLE_ACTOR } from '../../kernel/actors.js';
import { openBastion, type Bastion } from '../bastion.js';
import { initialize, type InitResult } from '../init.js';
import { registerDemoDevice, seedMaintenance, seedRecipes } from './equipment.js';
import { DemoRunner, seedOrders, seedProducts, seedReceipts } from './history.js';
import { writeDemoMarker } from './marker.js';
import { demoOrders, demoReceipts, ordersPerState } from './orders.js';
import { assertDemoAccounts, createDemoAccounts, type DemoAccount } from './people.js';
export type { DemoAccount } from './people.js';
import { demoDefinitions, demoMaterials, demoPlant, plantCounts } from './plant.js';
import { seedQuality } from './quality.js';

/** Where the seed reports each step as it is done (the CLI prints them as they come). */
export interface DemoReporter {
  step(line: string): void;
  /** The data directory is initialised (keys, certificate, schema); the administrator is reported with the accounts. */
  initialised(result: InitResult): void;
}

export interface DemoResult {
  init: InitResult;
  /** Every demo account with its one-time password, the bootstrap administrator first: shown once, never stored. */
  accounts: DemoAccount[];
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Seeds the demo plant into a freshly initialised Bastion: every change through the pipeline, audited. */
export async function seedDemo(bastion: Bastion, progress: (line: string) => void): Promise<DemoAccount[]> {
  await bastion.pipeline.execute('plant.import', demoPlant, CONSOLE_ACTOR, CLI_ORIGIN);
  const plant = plantCounts();
  progress(
    `  plant: ${plural(plant.sites, 'site')}, ${plural(plant.lines, 'line')}, ` +
      `${plural(plant.workCells, 'work cell')}, ${plant.equipment} equipment`,
  );
  const accounts = await createDemoAccounts(bastion);
  progress(`  accounts: ${accounts.length} (one per built-in role) and the bootstrap administrator`);
  const run = new DemoRunner(bastion);
  await seedProducts(run);
  progress(
    `  products: ${plural(demoMaterials.length, 'material')}, ` +
      `${demoDefinitions.length} products with released BOM and routing`,
  );
  await seedReceipts(run);
  await seedOrders(run);
  const states = Object.entries(ordersPerState())
    .map(([state, n]) => `${n} ${state}`)
    .join(', ');
  progress(`  work orders: ${demoOrders.length} (${states})`);
  const produced = demoOrders.filter((o) => o.output).length;
  progress(`  lots: ${demoReceipts.length} received from suppliers, ${produced} produced`);
  const quality = await seedQuality(run);
  progress(
    `  quality: ${plural(quality.plans, 'inspection plan')}, ${quality.inspections} inspections ` +
      `(${quality.failed} failed: lot held, ${quality.ncrs.join(', ')} opened)`,
  );
  const recipes = await seedRecipes(run, accounts);
  progress(
    `  recipes: ${recipes.effective} effective, sealed (approved by quality), and 1 change waiting for approval`,
  );
  const maintenance = await seedMaintenance(run);
  progress(`  maintenance: ${plural(maintenance.plans, 'preventive plan')}, corrective order ${maintenance.open} open`);
  await registerDemoDevice(run);
  progress("  devices: the rim line's edge node (Sparkplug B; its secret is issued when `serve --demo` starts)");
  return accounts;
}

/**
 * `init --demo`: initialises the data directory as `init` does, marks it as a demo (so `demo reset` may
 * wipe it later) and seeds the demo plant. The database must be empty.
 */
export async function initializeDemo(
  config: BastionConfig,
  logger: Logger,
  reporter: DemoReporter,
  adminUsername = 'admin',
): Promise<DemoResult> {
  assertDemoAccounts(adminUsername);
  const init = await initialize(config, logger, adminUsername);
  if (!init.admin) throw new Error('the database already holds accounts; the demo needs an empty database');
  reporter.initialised({ ...init, admin: undefined });
  const bastion = await openBastion(config, { logger });
  try {
    writeDemoMarker(config, init.admin.username, bastion.clock.now());
    reporter.step(`Seeding the demo plant in ${bastion.storage.location}:`);
    const accounts = await seedDemo(bastion, (line) => reporter.step(line));
    const admin = { username: init.admin.username, role: ADMINISTRATOR, oneTimePassword: init.admin.oneTimePassword };
    return { init: { ...init, admin: undefined }, accounts: [admin, ...accounts] };
  } finally {
    try {
      await bastion.audit.checkpointNow(); // no server signs on a timer yet: cover the seed now
    } finally {
      await bastion.close();
    }
  }
}
