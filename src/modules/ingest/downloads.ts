import type { Logger } from 'pino';
import type { ModuleContext } from '../../kernel/module.js';
import type { ReadDb } from '../../kernel/store.js';
import { DOWNLOAD_EVENT } from '../recipes/index.js';
import type { Database } from './db.js';
import { encodeSparkplug } from './payloads.js';

/**
 * Sends a recipe download to the machine as a Sparkplug command: DCMD to the device named after the
 * equipment (its plant code) on the edge node bound to it or to a place above it; NCMD when the edge node
 * is bound to the equipment itself. The machine then reports its set points back, which is compared.
 */
export function forwardDownloads(
  context: ModuleContext,
  logger: Logger,
  publish: (topic: string, payload: Buffer) => void,
): () => void {
  return context.events.subscribe(DOWNLOAD_EVENT, async (event) => {
    const { equipment, setPoints, downloadId } = event.payload as {
      equipment: string;
      setPoints: Record<string, number>;
      downloadId: string;
    };
    const devices = await (context.db as ReadDb<Database>)
      .selectFrom('ingest_devices')
      .select(['name', 'node_path', 'group_id', 'edge_node_id'])
      .where('state', '=', 'active')
      .execute();
    const bound = devices
      .filter((d) => equipment === d.node_path || equipment.startsWith(`${d.node_path}/`))
      .sort((a, b) => b.node_path.length - a.node_path.length)[0];
    if (!bound) return logger.warn({ equipment, downloadId }, 'no device is bound to this equipment; nothing sent');
    const code = equipment.split('/').at(-1)!;
    const topic =
      equipment === bound.node_path
        ? `spBv1.0/${bound.group_id}/NCMD/${bound.edge_node_id}`
        : `spBv1.0/${bound.group_id}/DCMD/${bound.edge_node_id}/${code}`;
    const metrics = Object.entries(setPoints).map(([name, value]) => ({
      name: `SetPoint/${name}`,
      type: 'Double' as const,
      value,
    }));
    publish(topic, encodeSparkplug({ timestamp: Date.now(), metrics }));
    logger.info({ equipment, device: bound.name, downloadId, parameters: metrics.length }, 'recipe download sent');
  });
}
