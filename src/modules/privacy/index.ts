/** The privacy module's public surface. */
export { catalogListing, catalogListingView, type CatalogListing } from './listing.js';
export { inventoryIn, inventoryMarkdown, withInventory } from './inventory.js';
export { privacyModule } from './module.js';
export {
  batchRunner,
  disposalPass,
  disposalPreview,
  expiredCount,
  RetentionService,
  type DisposalLine,
} from './retention/index.js';
