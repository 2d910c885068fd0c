import { CLI_ORIGIN, CONSOLE_ACTOR } from '../../src/kernel/actors.js';
import { openBastion, type Bastion } from '../../src/app/bastion.js';
import { loadConfig } from '../../src/kernel/config/load.js';
import { createLogger } from '../../src/kernel/logger.js';

/** A small plant: /site-1/area-1/line-1 and line-2, and /site-2. */
export const testPlant = {
  Equipment: {
    ID: 'acme',
    Description: 'ACME Manufacturing',
    EquipmentLevel: 'Enterprise',
    Equipment: [
      {
        ID: 'site-1',
        Description: 'Plant North',
        EquipmentLevel: 'Site',
        Equipment: [
          {
            ID: 'area-1',
            Description: 'Assembly',
            EquipmentLevel: 'Area',
            Equipment: [
              { ID: 'line-1', Description: 'Line 1', EquipmentLevel: 'ProductionLine' },
              { ID: 'line-2', Description: 'Line 2', EquipmentLevel: 'ProductionLine' },
            ],
          },
        ],
      },
      { ID: 'site-2', Description: 'Plant South', EquipmentLevel: 'Site' },
    ],
  },
};

export async function seedPlant(bastion: Bastion): Promise<void> {
  await bastion.pipeline.execute('plant.import', testPlant, CONSOLE_ACTOR, CLI_ORIGIN);
}

/** Seeds the test plant into an initialised data directory, as a separate process would. */
export async function seedPlantIn(env: Record<string, string>, cwd: string): Promise<void> {
  const bastion = await openBastion(loadConfig({ env, cwd }), { logger: createLogger('silent') });
  try {
    await seedPlant(bastion);
  } finally {
    await bastion.close();
  }
}
