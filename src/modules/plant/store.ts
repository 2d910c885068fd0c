import { NotFoundError } from '../../kernel/errors.js';
import type { ReadDb } from '../../kernel/store.js';
import type { Database } from './db.js';
import type { Level } from './levels.js';

/*
 * Reads take `ReadDb<DB>` for any `DB` holding the tables they read, and look at it with just those tables:
 * TypeScript compares two `ReadDb` instantiations as invariant in their tables, so a module's handle (with more
 * tables) would not be accepted otherwise, though reading a subset of a handle's tables is always safe.
 */

export type NodeRow = Database['plant_nodes'];

export interface PlantProperty {
  id: string;
  value: string | number | boolean;
  unitOfMeasure?: string;
}

export interface PlantNode {
  id: string;
  path: string;
  level: Level;
  code: string;
  name: string;
  equipmentClass: string | null;
  properties: PlantProperty[];
  parentPath: string | null;
  retired: boolean;
}

export const ROOT_PATH = '/';

export function childPath(parentPath: string, code: string): string {
  return parentPath === ROOT_PATH ? `/${code}` : `${parentPath}/${code}`;
}

export function parentPathOf(path: string): string | null {
  if (path === ROOT_PATH) return null;
  const cut = path.lastIndexOf('/');
  return cut === 0 ? ROOT_PATH : path.slice(0, cut);
}

export function toNode(row: NodeRow): PlantNode {
  return {
    id: row.id,
    path: row.path,
    level: row.level as Level,
    code: row.code,
    name: row.name,
    equipmentClass: row.equipment_class,
    properties: JSON.parse(row.properties) as PlantProperty[],
    parentPath: parentPathOf(row.path),
    retired: row.retired_at !== null,
  };
}

export async function nodeByPath<DB extends Database>(handle: ReadDb<DB>, path: string): Promise<NodeRow | undefined> {
  const db = handle as unknown as ReadDb<Database>;
  return db.selectFrom('plant_nodes').selectAll().where('path', '=', path).executeTakeFirst();
}

export async function requireNode<DB extends Database>(handle: ReadDb<DB>, path: string): Promise<NodeRow> {
  const db = handle as unknown as ReadDb<Database>;
  const node = await nodeByPath(db, path);
  if (!node || node.retired_at !== null) throw new NotFoundError(`No plant node at ${path}.`);
  return node;
}

/** True when `path` names a live node: identity grants may attach only to such scopes. */
export async function isLiveNode<DB extends Database>(handle: ReadDb<DB>, path: string): Promise<boolean> {
  const db = handle as unknown as ReadDb<Database>;
  const node = await nodeByPath(db, path);
  return node !== undefined && node.retired_at === null;
}

/** Every node in path order (parents before children), retired ones included on request. */
export async function allNodes<DB extends Database>(handle: ReadDb<DB>, includeRetired = false): Promise<PlantNode[]> {
  const db = handle as unknown as ReadDb<Database>;
  let query = db.selectFrom('plant_nodes').selectAll().orderBy('path');
  if (!includeRetired) query = query.where('retired_at', 'is', null);
  return (await query.execute()).map(toNode);
}
