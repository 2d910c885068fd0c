import type { BastionModule } from '../../kernel/module.js';
import { generateBatchRecord } from './batch-record.js';
import { exportBatchRecord } from './batch-record-export.js';
import { batchRecordMigration } from './batch-record-schema.js';
import { versionCommands } from './commands.js';
import { recipePermissions } from './permissions.js';
import { reportProcessValues } from './deviations.js';
import { downloadControlRecipe, reportSetPoints } from './download.js';
import { readSecret } from './reads.js';
import { activateVersion, issueControlRecipe, retireVersion } from './release.js';
import { recipeRoutes } from './routes.js';
import { recipeMigrations } from './schema.js';
import { RecipeSealer } from './seal.js';

/** Master recipes: versions under change control, sealed and verified before use, values kept secret. */
export const recipesModule: BastionModule = {
  name: 'recipes',
  permissions: recipePermissions,
  migrations: [...recipeMigrations, batchRecordMigration],
  commands: (context) => {
    const sealer = new RecipeSealer(context.config.dataDir);
    return [
      ...versionCommands(sealer),
      activateVersion(sealer),
      retireVersion,
      issueControlRecipe(sealer),
      readSecret,
      reportProcessValues,
      downloadControlRecipe(sealer),
      reportSetPoints,
      generateBatchRecord(sealer),
      exportBatchRecord(sealer, context.permissions),
    ];
  },
  routes: recipeRoutes,
};
