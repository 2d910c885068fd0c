import type { Client, PublishPacket } from 'aedes';
import type { Offline } from './batch-content.js';
import { interpret, type Interpretation } from './interpret.js';
import { MalformedPayload } from './payloads.js';
import { sourceOf, type IngestRuntime, type Session } from './runtime.js';
import { ownRoute, type Route } from './topics.js';

type Callback = (error?: Error | null) => void;

/**
 * aedes' authorizePublish hook, where every device message is checked and ingested. aedes sends the
 * PUBACK of a QoS 1 message only after this callback is called (lib/handlers/publish.js runs
 * `authorizePublish` then `enqueuePublish`, which writes the PubAck), so holding the callback until the
 * message's batch has committed means an acknowledged message is durable. QoS 0 waits too: aedes reads
 * no further from that connection meanwhile, which is the back-pressure that keeps memory bounded.
 *
 * Over `mqtt.maxMessagesPerSecond`, a message is held (pacer.ts) rather than dropped: no PUBACK until its
 * slot comes, so the device is slowed down, and what is acknowledged is stored. A device that has more
 * than `rt.maxHoldMs` of messages waiting (several connections pushing at once) is disconnected, with a
 * `flooding` security event, and nothing of it is acknowledged.
 *
 * MQTT 3.1.1 has no way to refuse a PUBLISH other than closing the connection (MQTT-3.3.5-2). A message
 * outside the device's namespace does close it; a malformed or oversized one is recorded, acknowledged
 * and kept in quarantine (closing would make the client resend the same message for ever), so that
 * nothing acknowledged is lost.
 *
 * The returned promise resolves once the message is in a batch (or refused): the external broker's
 * receiver waits for it, which is how pacing pauses its consumption (aedes ignores it).
 */
export function publishAuthorizer(rt: IngestRuntime) {
  return (client: Client | null, packet: PublishPacket, callback: Callback): Promise<void> => {
    const session = client ? rt.sessions.get(client) : undefined;
    if (!session) return refuse(callback, new Error('not an authenticated device'));
    const route = ownRoute(session, packet.topic);
    if (!route) {
      rt.security.record('namespace-violation', sourceOf(session), `topic ${packet.topic}`);
      return refuse(callback, new Error('topic outside the device namespace'));
    }
    packet.retain = false; // retained messages would stay in the broker's memory; Sparkplug forbids them here
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    if (payload.length > rt.maxPayloadBytes) {
      rt.security.record('oversized', sourceOf(session), `topic ${packet.topic}, ${payload.length} bytes`);
      // Kept aside like any refused message, its first mqtt.maxPayloadBytes only (`size` says how many came).
      quarantine(rt, session, packet.topic, payload, callback, 'oversized');
      return Promise.resolve();
    }
    return paced(rt, session, client!, callback, () =>
      session.quarantined
        ? quarantined(rt, session, packet.topic, payload, callback)
        : ingest(rt, session, route, packet.topic, payload, callback),
    );
  };
}

function refuse(callback: Callback, error: Error | null): Promise<void> {
  callback(error);
  return Promise.resolve();
}

function paced(rt: IngestRuntime, session: Session, client: Client, callback: Callback, take: () => void) {
  return new Promise<void>((resolve) => {
    let waited = false;
    const held = {
      drop: () => (callback(new Error('stopping')), resolve()),
      // A held message whose connection has gone can no longer be acknowledged: it is not taken either
      // (the device sends it again), so what is stored and what was acknowledged stay the same.
      go: () => (waited && client.closed ? held.drop() : (take(), resolve())),
    };
    const outcome = rt.pacer.admit(session.id, held, rt.maxHoldMs);
    waited = outcome === 'held';
    if (outcome === 'held' && rt.flagFlooding)
      rt.security.record('flooding', sourceOf(session), 'over mqtt.maxMessagesPerSecond: slowed down');
    if (outcome !== 'refused') return;
    const detail = `more than ${rt.maxHoldMs} ms of messages waiting`;
    rt.security.record('flooding-disconnected', sourceOf(session), detail);
    held.drop();
  });
}

/** A quarantined device still publishing is a security event (rogue-device), and its message is kept aside. */
function quarantined(rt: IngestRuntime, session: Session, topic: string, payload: Buffer, callback: Callback) {
  rt.security.record('quarantined', sourceOf(session), `topic ${topic}`);
  quarantine(rt, session, topic, payload, callback, 'device quarantined');
}

function quarantine(
  rt: IngestRuntime,
  session: Session,
  topic: string,
  payload: Buffer,
  callback: Callback,
  reason: string,
) {
  const message = {
    deviceId: session.id,
    topic,
    receivedAt: rt.now(),
    size: payload.length,
    payload: payload.subarray(0, rt.maxPayloadBytes).toString('base64'),
    reason,
  };
  rt.writer.add({ quarantined: message }, (error) => callback(error ?? null));
}

function ingest(rt: IngestRuntime, session: Session, route: Route, topic: string, payload: Buffer, callback: Callback) {
  let result: Interpretation;
  try {
    result = interpret(session.id, route, payload, rt.edges.of(session.id), { now: rt.now(), window: rt.timeWindow });
  } catch (error) {
    if (!(error instanceof MalformedPayload)) throw error;
    rt.security.record('malformed-payload', sourceOf(session), error.message);
    return quarantine(rt, session, topic, payload, callback, 'malformed payload'); // acknowledged, so kept: aside, for review
  }
  if (result.gap)
    rt.security.record('sequence-gap', sourceOf(session), `expected ${result.gap.expected}, got ${result.gap.got}`);
  if (result.rebirth) rt.requestRebirth(session);
  if (result.outOfWindow !== undefined && result.outOfWindow !== '') {
    // Kept whole for review, never applied: a late or future-dated value must not rewrite a reported shift.
    rt.security.record('timestamp-out-of-window', sourceOf(session), `topic ${topic}: ${result.outOfWindow}`);
    return quarantine(rt, session, topic, payload, callback, result.outOfWindow);
  }
  const offline = departure(rt, session, route);
  if (result.values.length === 0 && !offline) return callback(null);
  rt.writer.add({ values: result.values, offline }, (error) => callback(error ?? null));
}

/** What an NDEATH (the node and all its devices) or a DDEATH (one device) takes offline; notes devices seen. */
function departure(rt: IngestRuntime, session: Session, route: Route): Offline | undefined {
  if (route.kind !== 'sparkplug') return undefined;
  if (route.type === 'NDEATH') return offlineOf(rt, session);
  if (route.type === 'DDEATH') return { deviceId: session.id, devices: [route.device], at: rt.now() };
  if (route.device !== null) rt.edges.of(session.id).devices.add(route.device);
  return undefined;
}

/** The edge node and every device it has shown, as of now: after an NDEATH or a lost connection. */
export function offlineOf(rt: IngestRuntime, session: Session): Offline {
  return { deviceId: session.id, devices: [null, ...rt.edges.of(session.id).devices], at: rt.now() };
}
