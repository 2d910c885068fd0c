import type { Command } from 'commander';
import { allModules } from '../../app/registry.js';
import { catalogListing, inventoryMarkdown } from '../../modules/privacy/index.js';
import { instanceCatalog } from '../../storage/catalog.js';
import type { VerbContext } from '../context.js';
import { table } from './users.js';

const protection = (c: { encrypted: { purpose: string; bySubject: boolean } | null }) =>
  c.encrypted ? `encrypted:${c.encrypted.purpose}${c.encrypted.bySubject ? '/subject' : ''}` : '';

/** The catalogue is the code's own declaration: listed without opening the database. */
async function catalogVerb(ctx: VerbContext, options: { json?: boolean; markdown?: boolean }) {
  await ctx.authorize('privacy.catalog.read');
  const catalog = instanceCatalog(allModules());
  if (options.markdown) return ctx.print(inventoryMarkdown(catalog));
  const listing = catalogListing(catalog);
  if (options.json) return ctx.print(JSON.stringify(listing, null, 2));
  const rows = listing.tables.flatMap((t) =>
    t.columns.map((c) => [t.table, c.name, c.class, c.categories.join(',') || '-', protection(c)]),
  );
  for (const line of table(['TABLE', 'COLUMN', 'CLASS', 'CATEGORIES', 'PROTECTION'], rows)) ctx.print(line);
}

/** `bastion data catalog`. */
export function addDataVerbs(program: Command, context: () => VerbContext): Command {
  const data = program.command('data').description('The data catalogue: every column with its class and categories');
  data
    .command('catalog')
    .description('Every table and column with its data class, categories, encryption (a table, or --json)')
    .option('--json', 'print JSON')
    .option('--markdown', 'print the data inventory of docs/SECURITY.md')
    .action((options: { json?: boolean; markdown?: boolean }) => catalogVerb(context(), options));
  return data;
}
