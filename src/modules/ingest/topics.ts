/** The Sparkplug B messages a device may publish, and the commands it may receive. */
const PUBLISHED = new Set(['NBIRTH', 'NDATA', 'NDEATH', 'DBIRTH', 'DDATA', 'DDEATH']);
const ID = /^[A-Za-z0-9._-]{1,64}$/;

/** A topic level that is missing or empty. */
const blank = (level: string | undefined): level is undefined | '' => level === undefined || level === '';

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
  !blank(device)
    ? `spBv1.0/${ns.groupId}/DCMD/${ns.edgeNodeId}/${device}`
    : `spBv1.0/${ns.groupId}/NCMD/${ns.edgeNodeId}`;

function sparkplugRoute(levels: string[]): Route | undefined {
  const [, group, type, edge, device, ...rest] = levels;
  if (blank(group) || blank(type) || blank(edge) || rest.length > 0 || !PUBLISHED.has(type)) return undefined;
  if (!ID.test(group) || !ID.test(edge) || (device !== undefined && !ID.test(device))) return undefined;
  const deviceLevel = type.startsWith('D');
  if (deviceLevel !== (device !== undefined)) return undefined;
  return { kind: 'sparkplug', group, type: type as MessageType, edge, device: device ?? null };
}

/** The route of a topic a device published to, or undefined when it is none Bastion accepts. */
export function parseTopic(topic: string): Route | undefined {
  const levels = topic.split('/');
  if (levels[0] === 'spBv1.0') return sparkplugRoute(levels);
  if (levels.length === 4 && levels[0] === 'bastion' && levels[1] === 'v1' && levels[3] === 'data' && !blank(levels[2]))
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

const COMMANDS = new Set(['NCMD', 'DCMD', '+']);

/** Below `<edge>`: nothing, `#`, or one device level (an ID or `+`) optionally followed by `#`. */
function commandTail(rest: string[]): boolean {
  if (rest.length === 0) return true;
  const [device, more, ...beyond] = rest;
  if (device === '#') return rest.length === 1;
  if (device !== '+' && !ID.test(device!)) return false;
  return more === undefined || (more === '#' && beyond.length === 0);
}

/** The Sparkplug 3.0 topic where the primary host application `hostId` announces itself online or offline. */
export const stateTopic = (hostId: string) => `spBv1.0/STATE/${hostId}`;

/**
 * A device may subscribe to its own command namespace in every form Sparkplug B edge nodes use
 * (`…/NCMD/<edge>`, `…/NCMD/<edge>/#`, `…/DCMD/<edge>/#`, `…/DCMD/<edge>/+`, `…/DCMD/<edge>/<device>`, and
 * `+` for the type), and to the primary host's STATE topic, which Sparkplug 3.0 requires edge nodes to
 * watch. Group and edge node are always its own: no wildcard there, so it never sees another node's commands.
 */
export function maySubscribe(ns: Namespace, filter: string, hostId?: string): boolean {
  if (hostId !== undefined && filter === stateTopic(hostId)) return true;
  const [root, group, type, edge, ...rest] = filter.split('/');
  if (root !== 'spBv1.0' || group !== ns.groupId || edge !== ns.edgeNodeId) return false;
  return COMMANDS.has(type!) && commandTail(rest);
}
