import type { Actor } from '../../kernel/pipeline/types.js';
import { CLI_ORIGIN } from '../../kernel/actors.js';
import type { Bastion } from '../bastion.js';
import { demoOrders, demoReceipts, ORDER_STATES, scrapReasons, sequencesOf, type DemoOrder } from './orders.js';
import { actorOf } from './people.js';
import { demoDefinitions, demoMaterials } from './plant.js';

/** Runs commands as the demo accounts: one actor per account, looked up once. */
export class DemoRunner {
  private readonly actors = new Map<string, Actor>();
  commands = 0;

  constructor(readonly bastion: Bastion) {}

  async as<R = unknown>(username: string, command: string, input: Record<string, unknown>): Promise<R> {
    let actor = this.actors.get(username);
    if (!actor) this.actors.set(username, (actor = await actorOf(this.bastion, username)));
    this.commands++;
    return this.bastion.pipeline.execute<R>(command, input, actor, CLI_ORIGIN);
  }
}

const ENGINEER = 'pete';
const SUPERVISOR = 'sofia';
const OPERATOR = 'oscar';

/** Materials, then each product's first version drafted and released by the process engineer. */
export async function seedProducts(run: DemoRunner): Promise<void> {
  for (const material of demoMaterials) await run.as(ENGINEER, 'production.material.create', material);
  for (const definition of demoDefinitions) {
    await run.as(ENGINEER, 'production.definition.draft', { ...definition, reason: 'first release of the product' });
    await run.as(ENGINEER, 'production.definition.release', { product: definition.product, version: 1 });
  }
}

export async function seedReceipts(run: DemoRunner): Promise<void> {
  for (const receipt of demoReceipts) await run.as(SUPERVISOR, 'genealogy.lot.receive', receipt);
}

const reached = (order: DemoOrder, state: DemoOrder['state']) =>
  ORDER_STATES.indexOf(order.state) >= ORDER_STATES.indexOf(state);

/** Good count reported on operation `i`: later operations lose the scrap of earlier ones. */
function goodAt(order: DemoOrder, i: number, operations: number, finished: boolean): number {
  const scrap = order.scrap ?? 0;
  const good = order.good ?? order.quantity;
  if (order.state !== 'running') return good + (operations - 1 - i) * scrap;
  return finished ? order.quantity - scrap : good;
}

async function runOperations(run: DemoRunner, order: DemoOrder): Promise<void> {
  const sequences = sequencesOf(order.product);
  const done = order.state === 'running' ? (order.completedOperations ?? 0) : sequences.length;
  const at = { number: order.number, line: order.line };
  const scrap = order.scrap ?? 0;
  for (const [i, sequence] of sequences.slice(0, done + 1).entries()) {
    await run.as(OPERATOR, 'production.operation.start', { ...at, sequence });
    await run.as(OPERATOR, 'production.operation.report', {
      ...at,
      sequence,
      good: goodAt(order, i, sequences.length, i < done),
      scrap,
      ...(scrap > 0 ? { scrapReason: scrapReasons[order.product] } : {}),
    });
    if (i < done) await run.as(OPERATOR, 'production.operation.complete', { ...at, sequence });
  }
}

/** Takes one order as far as its demo state: created, released, dispatched, run, completed (lot made), closed. */
export async function seedOrder(run: DemoRunner, order: DemoOrder): Promise<void> {
  await run.as(SUPERVISOR, 'production.order.create', {
    number: order.number,
    product: order.product,
    quantity: order.quantity,
  });
  if (!reached(order, 'released')) return;
  await run.as(SUPERVISOR, 'production.order.release', { number: order.number });
  if (!reached(order, 'dispatched')) return;
  await run.as(SUPERVISOR, 'production.order.dispatch', { number: order.number, line: order.line });
  if (!reached(order, 'running')) return;
  await runOperations(run, order);
  if (order.output)
    await run.as(SUPERVISOR, 'genealogy.lot.produce', {
      order: order.number,
      output: { number: order.output.lot, material: order.product, quantity: order.output.quantity },
      inputs: order.output.inputs,
    });
  if (order.state === 'closed') await run.as(SUPERVISOR, 'production.order.close', { number: order.number });
}

export async function seedOrders(run: DemoRunner): Promise<void> {
  for (const order of demoOrders) await seedOrder(run, order);
}
