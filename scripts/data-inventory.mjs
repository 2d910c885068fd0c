// Writes the data inventory section of docs/SECURITY.md from the data catalogue (run after `npx tsc -p
// tsconfig.build.json`); test/privacy-catalog.test.ts fails while the section and the catalogue differ.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stdout } from 'node:process';
import { allModules } from '../dist/app/registry.js';
import { inventoryMarkdown, withInventory } from '../dist/modules/privacy/index.js';
import { instanceCatalog } from '../dist/storage/catalog.js';

const file = join(import.meta.dirname, '..', 'docs', 'SECURITY.md');
const inventory = inventoryMarkdown(instanceCatalog(allModules()));
writeFileSync(file, withInventory(readFileSync(file, 'utf8'), inventory));
stdout.write('docs/SECURITY.md: data inventory written\n');
