import type { FastifyInstance } from 'fastify';
import type { ModuleContext } from '../../kernel/module.js';
import { errorResponses } from '../../http/index.js';
import { catalogListing, catalogListingView } from './listing.js';

export function privacyRoutes(app: FastifyInstance, context: ModuleContext): void {
  // The catalogue is fixed by the code that runs: computed once, not per request.
  const listing = catalogListing(context.catalog);
  app.get(
    '/api/privacy/catalog',
    {
      config: { permission: 'privacy.catalog.read' },
      schema: {
        tags: ['privacy'],
        summary: 'The data catalogue: every table and column with its class, categories, encryption and retention',
        operationId: 'privacy.catalog.list',
        response: { 200: catalogListingView, ...errorResponses },
      },
    },
    () => Promise.resolve(listing),
  );
}
