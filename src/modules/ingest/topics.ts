/** The Sparkplug B messages a device may publish, and the commands it may receive. */
const PUBLISHED = new Set(['NBIRTH', 'NDATA', 'NDEATH', 'DBIRTH', 'DDATA', 'DDEATH']);
const ID = /^[A-Za-z0-9._-]{1,64}$/;

export type MessageType = 'NBIRTH' | 'NDATA' | 'NDEATH' | 'DBIRTH' | 'DDATA' | 'DDEATH';

export type Route =
  | { kind: 'sparkplug'; group: string; type: MessageType; edge: string; device: string | null }
  | { kind: 'json'; device: string };

export interface Namespace {
  name: string;
  groupId: string;
  edgeNodeId: string;
}

/** The JSON layout: `bastion/v1/<device name>/data`, body `{ timestamp, metrics: [{ name, value }] }`. */
export const jsonTopic = (deviceName: string) => `bastion/v1/${deviceName}/data`;
export const commandTopic = (ns: Namespace, device?: string) =>
  device ? `spBv1.0/${ns.groupId}/DCMD/${ns.edgeNodeId}/${device}` : `spBv1.0/${ns.groupId}/NCMD/${ns.edgeNodeId}`;

function sparkplugRoute(levels: string[]): Route | undefined {
  const [, group, type, edge, device, ...rest] = levels;
  if (!group || !type || !edge || rest.length > 0 || !PUBLISHED.has(type)) return undefined;
  if (!ID.test(group) || !ID.test(edge) || (device !== undefined && !ID.test(device))) return undefined;
  const deviceLevel = type.startsWith('D');
  if (deviceLevel !== (device !== undefined)) return undefined;
  return { kind: 'sparkplug', group, type: type as MessageType, edge, device: device ?? null };
}

/** The route of a topic a device published to, or undefined when it is none Bastion accepts. */
export function parseTopic(topic: string): Route | undefined {
  const levels = topic.split('/');
  if (levels[0] === 'spBv1.0') return sparkplugRoute(levels);
  if (levels.length === 4 && levels[0] === 'bastion' && levels[1] === 'v1' && levels[3] === 'data' && levels[2])
    return { kind: 'json', device: levels[2] };
  return undefined;
}

/** The route when `topic` lies in the device's own namespace; undefined is a namespace violation. */
export function ownRoute(ns: Namespace, topic: string): Route | undefined {
  const route = parseTopic(topic);
  if (!route) return undefined;
  if (route.kind === 'json') return route.device === ns.name ? route : undefined;
  return route.group === ns.groupId && route.edge === ns.edgeNodeId ? route : undefined;
}

/** A device may subscribe only to its own node's commands and its devices' commands (one or all). */
export function maySubscribe(ns: Namespace, filter: string): boolean {
  if (filter === commandTopic(ns)) return true;
  const prefix = `spBv1.0/${ns.groupId}/DCMD/${ns.edgeNodeId}/`;
  if (!filter.startsWith(prefix)) return false;
  const rest = filter.slice(prefix.length);
  return rest === '+' || ID.test(rest);
}
