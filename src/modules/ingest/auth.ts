import type { AuthenticateError, Client } from 'aedes';
import { secretMatches } from './credentials.js';
import { offlineOf } from './publish.js';
import { addressOf, type IngestRuntime } from './runtime.js';
import { deviceByName } from './store.js';

type Done = (error: AuthenticateError | null, success: boolean | null) => void;

/** MQTT 3.1.1 return code 4, "bad user name or password", the same for every refusal: it tells nothing. */
const refusal = () =>
  Object.assign<Error, Pick<AuthenticateError, 'returnCode'>>(new Error('bad user name or password'), {
    returnCode: 4,
  });

/**
 * Checks a device's credentials: user name = device name, password = its secret. The client ID must be
 * the device name (or start with `<name>:`): MQTT lets a new connection with an existing client ID take
 * over that session, so without this one device could disconnect another.
 */
async function login(rt: IngestRuntime, client: Client, username?: string, password?: Buffer): Promise<boolean> {
  const address = addressOf(client);
  if (username === undefined || username === '' || !password) {
    rt.security.record('bad-credentials', { username, address }, 'no user name or password');
    return false;
  }
  const device = await deviceByName(rt.db, username);
  if (!device) {
    rt.security.record('unknown-device', { username, address });
    return false;
  }
  const source = { deviceId: device.id, username, address };
  if (!secretMatches(password, device.secret_hash)) {
    rt.security.record('bad-credentials', source);
    return false;
  }
  if (client.id !== device.name && !client.id.startsWith(`${device.name}:`)) {
    rt.security.record('namespace-violation', source, `client id ${client.id}`);
    return false;
  }
  rt.sessions.set(client, {
    id: device.id,
    name: device.name,
    groupId: device.group_id,
    edgeNodeId: device.edge_node_id,
    address,
    quarantined: device.state === 'quarantined',
  });
  return true;
}

export function authenticator(rt: IngestRuntime) {
  return (client: Client, username: string | undefined, password: Buffer | undefined, done: Done): void => {
    login(rt, client, username, password).then(
      (ok) => (ok ? done(null, true) : done(refusal(), false)),
      (error: unknown) => {
        rt.logger.error({ err: error }, 'device authentication failed');
        done(
          Object.assign<Error, Pick<AuthenticateError, 'returnCode'>>(new Error('server unavailable'), {
            returnCode: 3,
          }),
          false,
        );
      },
    );
  };
}

/** Tracks live connections per device once they are ready, and forgets them when they go. */
export function trackClients(rt: IngestRuntime, client: Client, connected: boolean): void {
  const session = rt.sessions.get(client);
  if (!session) return;
  const set = rt.clients.get(session.id) ?? new Set<Client>();
  if (connected) set.add(client);
  else set.delete(client);
  if (set.size > 0) return void rt.clients.set(session.id, set);
  rt.clients.delete(session.id);
  // The device's last connection went (with or without its NDEATH): its machines are disconnected.
  if (!connected) rt.writer.add({ offline: offlineOf(rt, session) });
}

/** Applies registry changes to live connections: a rotated secret ends them, a quarantine redirects them. */
export function applyDeviceChange(rt: IngestRuntime, type: string, deviceId: string): void {
  for (const client of rt.clients.get(deviceId) ?? []) {
    const session = rt.sessions.get(client);
    if (!session) continue;
    if (type === 'ingest.device.rotated') client.close();
    else session.quarantined = type === 'ingest.device.quarantined';
  }
  if (type !== 'ingest.device.quarantined') rt.edges.forget(deviceId);
}
