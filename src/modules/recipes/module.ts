import type { BastionModule, ModuleContext } from '../../kernel/module.js';
import { generateBatchRecord } from './batch-record.js';
import { exportBatchRecord } from './batch-record-export.js';
import type { BatchRecordExporter } from './batch-record-routes.js';
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
import { recipesCatalog } from './catalog.js';

interface Parts {
  sealer: RecipeSealer;
  exporter: BatchRecordExporter;
}

/**
 * One sealer and one export command per context: the export's GET route must run the very object the pipeline
 * registered (commands are found by identity, not by name), and commands() runs before routes().
 */
const partsByContext = new WeakMap<ModuleContext, Parts>();

function partsOf(context: ModuleContext): Parts {
  let parts = partsByContext.get(context);
  if (!parts) {
    const sealer = new RecipeSealer(context.config.dataDir);
    parts = { sealer, exporter: exportBatchRecord(sealer, context.permissions) };
    partsByContext.set(context, parts);
  }
  return parts;
}

/** Master recipes: versions under change control, sealed and verified before use, values kept secret. */
export const recipesModule: BastionModule = {
  name: 'recipes',
  catalog: recipesCatalog,
  permissions: recipePermissions,
  migrations: [...recipeMigrations, batchRecordMigration],
  commands: (context) => {
    const { sealer, exporter } = partsOf(context);
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
      exporter,
    ];
  },
  routes: (app, context) => recipeRoutes(app, context, partsOf(context).exporter),
};
