// A separate Bastion process that appends audit records, for the multi-writer test.
// Usage: node --import tsx test/support/audit-writer.ts WRITER COUNT START_AT_MS (env points at the data dir and database)
import { SYSTEM_ACTOR, SYSTEM_ORIGIN } from '../../src/kernel/actors.js';
import { openBastion } from '../../src/app/bastion.js';
import { loadConfig } from '../../src/kernel/config/load.js';
import { createLogger } from '../../src/kernel/logger.js';
import { testWriteCommand } from './write-command.js';

const [writer = 'w', countText = '100', startAtText = '0'] = process.argv.slice(2);
const bastion = await openBastion(loadConfig(), { logger: createLogger('warn') });
bastion.permissions.register({ name: 'test.write', description: 'test only' });
bastion.pipeline.register(testWriteCommand);
while (Date.now() < Number(startAtText)) await new Promise((r) => setTimeout(r, 5));
for (let n = 0; n < Number(countText); n++) {
  await bastion.pipeline.execute('test.write', { writer, n }, SYSTEM_ACTOR, SYSTEM_ORIGIN);
}
await bastion.close();
