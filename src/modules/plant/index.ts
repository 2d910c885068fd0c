/** The public surface of the plant module: what other modules, the CLI and app/ may use. */
export { placePath, reportAtPlace } from './paths.js';
export { type PlantTables } from './schema.js';
export { isLiveNode, nodeByPath, requireNode, toNode } from './store.js';
export { withArticle } from './levels.js';
