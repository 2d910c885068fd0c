/** The public surface of the recipes module: what other modules, the CLI and app/ may use. */
export { type BatchRecordTables } from './batch-record-schema.js';
export { checkProcessValues } from './deviations.js';
export { DOWNLOAD_EVENT, checkSetPoints, type SetPointReading } from './download.js';
export { diffVersions, listRecipes, maskedVersion, verifySeals } from './queries.js';
export { type DeviationTables, type DownloadTables, type RecipeTables } from './schema.js';
export { RECIPE_KEY_FILE, RecipeSealer } from './seal.js';
