import { ANONYMOUS_ACTOR, CLI_ORIGIN, CONSOLE_ACTOR } from '../../kernel/actors.js';
import type { SignatureInput } from '../../kernel/pipeline/types.js';
import type { DemoRunner } from './history.js';
import type { DemoAccount } from './people.js';
import { actorOf } from './people.js';
import { RIM_LINE, WHEEL_LINE } from './plant.js';

/**
 * What the demo's shop floor holds besides orders and lots: master recipes under change control, preventive
 * maintenance plans with an open corrective order, and the edge device that feeds the rim line.
 */

/** The demo's edge node: the rim line's machines, named after their equipment so their data lands on them. */
export const DEMO_DEVICE = { name: 'rim-line-edge', groupId: 'riverside', edgeNodeId: 'rim-line', equipment: RIM_LINE };

const ENGINEER = 'pete';
const APPROVER = 'quinn';

type Parameter = { name: string; unit: string; setPoint: number; low: number; high: number; critical: boolean };
const p = (name: string, unit: string, setPoint: number, low: number, high: number): Parameter => ({
  name,
  unit,
  setPoint,
  low,
  high,
  critical: false,
});

/** One recipe per product whose operation runs on set points; each version 1 is sealed and effective. */
export const demoRecipes = [
  {
    code: 'RCP-EXTRUDE-RIM',
    name: 'Rim profile extrusion',
    product: 'RIM-PROFILE',
    operation: 10,
    equipmentClass: 'extrusion-press',
    parameters: [
      p('billet temperature', '°C', 480, 460, 500),
      p('die temperature', '°C', 470, 450, 490),
      p('ram speed', 'mm/s', 8, 6, 10),
    ],
    steps: [
      {
        name: 'Preheat',
        instruction: 'Preheat billets to the set point; check the die temperature before the first push.',
      },
      { name: 'Extrude', instruction: 'Extrude at the ram speed; quench at the press exit; cut to 2.2 m.' },
    ],
  },
  {
    code: 'RCP-WELD-RIM',
    name: 'Rim flash butt welding',
    product: 'RIM-700C',
    operation: 10,
    equipmentClass: 'welder',
    parameters: [
      p('weld current', 'kA', 42, 38, 46),
      p('upset distance', 'mm', 3.5, 3, 4),
      p('flash time', 's', 2.4, 2, 3),
    ],
    steps: [{ name: 'Weld', instruction: 'Clamp the rolled ring, flash, upset; trim the weld bead.' }],
  },
  {
    code: 'RCP-TURN-HUB',
    name: 'Hub turning and drilling',
    product: 'HUB-32H',
    operation: 10,
    equipmentClass: 'cnc-lathe',
    parameters: [p('spindle speed', 'rpm', 2400, 2000, 2800), p('feed', 'mm/rev', 0.15, 0.1, 0.2)],
    steps: [{ name: 'Turn', instruction: 'Face, turn the flanges, drill 32 spoke holes per flange.' }],
  },
];

/** A change waiting for approval: the billet temperature made critical and its range narrowed. */
const pendingChange = {
  recipe: 'RCP-EXTRUDE-RIM',
  reason: 'NCR-000001 (rim width): billet temperature is critical, its validated range narrowed',
  parameters: demoRecipes[0]!.parameters.map((q) =>
    q.name === 'billet temperature' ? { ...q, low: 470, high: 490, critical: true } : q,
  ),
  steps: demoRecipes[0]!.steps,
};

/**
 * Runs `work` as `username` in a session of their own, opened with their one-time password and ended after:
 * an approval is an electronic signature, which only a person logged in can give (with their password).
 */
async function signedAs(
  run: DemoRunner,
  account: DemoAccount,
  work: (execute: (command: string, input: Record<string, unknown>) => Promise<unknown>) => Promise<void>,
): Promise<void> {
  const { pipeline } = run.bastion;
  const login = await pipeline.execute<{ sessionId: string }>(
    'identity.login',
    { username: account.username, password: account.oneTimePassword },
    ANONYMOUS_ACTOR,
    CLI_ORIGIN,
  );
  const actor = { ...(await actorOf(run.bastion, account.username)), sessionId: login.sessionId };
  const signature: SignatureInput = {
    meaning: 'approved',
    username: account.username,
    password: account.oneTimePassword,
  };
  try {
    await work((command, input) => pipeline.execute(command, input, actor, CLI_ORIGIN, signature));
  } finally {
    await pipeline.execute('identity.logout', {}, actor, CLI_ORIGIN);
  }
}

/** Each recipe drafted and submitted by the process engineer, approved (signed) by quality, made effective. */
export async function seedRecipes(run: DemoRunner, accounts: DemoAccount[]): Promise<{ effective: number }> {
  const approver = accounts.find((a) => a.username === APPROVER);
  if (!approver) throw new Error(`the demo has no account ${APPROVER} to approve recipes`);
  for (const recipe of demoRecipes) {
    await run.as(ENGINEER, 'recipes.recipe.create', { ...recipe, reason: 'first validated version' });
    await run.as(ENGINEER, 'recipes.version.submit', { recipe: recipe.code, version: 1 });
  }
  await signedAs(run, approver, async (execute) => {
    for (const recipe of demoRecipes) await execute('recipes.version.approve', { recipe: recipe.code, version: 1 });
  });
  for (const recipe of demoRecipes)
    await run.as(ENGINEER, 'recipes.version.activate', { recipe: recipe.code, version: 1 });
  await run.as(ENGINEER, 'recipes.version.draft', pendingChange);
  await run.as(ENGINEER, 'recipes.version.submit', { recipe: pendingChange.recipe, version: 2 });
  return { effective: demoRecipes.length };
}

const MAINTAINER = 'maya';
const OPERATOR = 'oscar';

export const demoMaintenancePlans = [
  {
    code: 'PM-PRESS1-DIE',
    equipment: `${RIM_LINE}/extrude/press-1`,
    trigger: 'counter',
    interval: 5000,
    task: 'Change the extrusion die; inspect the container liner and the stem.',
  },
  {
    code: 'PM-WELDER1-ELECTRODES',
    equipment: `${RIM_LINE}/roll-weld/welder-1`,
    trigger: 'counter',
    interval: 2000,
    task: 'Dress or replace the clamping electrodes; check the transformer cooling.',
  },
  {
    code: 'PM-CNC1-SPINDLE',
    equipment: `${RIM_LINE}/drill/cnc-1`,
    trigger: 'calendar',
    interval: 30,
    task: 'Spindle run-out check; replace the coolant filter.',
  },
  {
    code: 'PM-LATHE1-LUBE',
    equipment: `${WHEEL_LINE}/hub-machining/lathe-1`,
    trigger: 'calendar',
    interval: 7,
    task: 'Way lubrication top-up; chuck jaw cleaning.',
  },
];

/** Preventive plans by the maintenance technician, and a fault an operator reported that is still open. */
export async function seedMaintenance(run: DemoRunner): Promise<{ plans: number; open: string }> {
  for (const plan of demoMaintenancePlans) await run.as(MAINTAINER, 'maintenance.plan.define', plan);
  const order = await run.as<{ number: string }>(OPERATOR, 'maintenance.order.open', {
    equipment: `${RIM_LINE}/roll-weld/roller-1`,
    description: 'Squeal from the lower roll bearing at start-up; check at the next planned stop.',
    stopsEquipment: false,
  });
  return { plans: demoMaintenancePlans.length, open: order.number };
}

/**
 * The edge device feeding the rim line, registered as `bastion`'s console would. Its secret is not kept:
 * `serve --demo` rotates it at each start and hands the new one to the simulator only.
 */
export async function registerDemoDevice(run: DemoRunner): Promise<void> {
  await run.bastion.pipeline.execute('ingest.device.register', DEMO_DEVICE, CONSOLE_ACTOR, CLI_ORIGIN);
}
