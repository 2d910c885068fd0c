import type { Client, PublishPacket } from 'aedes';
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
 * MQTT 3.1.1 has no way to refuse a PUBLISH other than closing the connection (MQTT-3.3.5-2). A message
 * outside the device's namespace does close it; a malformed, oversized or flooding one is acknowledged
 * and dropped (and recorded), because closing would make the client resend the same message for ever.
 */
export function publishAuthorizer(rt: IngestRuntime) {
  return (client: Client | null, packet: PublishPacket, callback: Callback): void => {
    const session = client ? rt.sessions.get(client) : undefined;
    if (!session) return callback(new Error('not an authenticated device'));
    const route = ownRoute(session, packet.topic);
    if (!route) {
      rt.security.record('namespace-violation', sourceOf(session), `topic ${packet.topic}`);
      return callback(new Error('topic outside the device namespace'));
    }
    packet.retain = false; // retained messages would stay in the broker's memory; Sparkplug forbids them here
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    const problem = screen(rt, session, payload);
    if (problem) {
      rt.security.record(problem, sourceOf(session), `topic ${packet.topic}, ${payload.length} bytes`);
      return callback(null);
    }
    if (session.quarantined) return quarantine(rt, session, packet.topic, payload, callback, 'device quarantined');
    ingest(rt, session, { route, topic: packet.topic }, payload, callback);
  };
}

function screen(rt: IngestRuntime, session: Session, payload: Buffer) {
  if (payload.length > rt.maxPayloadBytes) return 'oversized' as const;
  if (!rt.flood.allow(session.id, rt.now())) return 'flooding' as const;
  return undefined;
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
    payload: payload.toString('base64'),
    reason,
  };
  rt.writer.add({ quarantined: message }, (error) => callback(error ?? null));
}

function ingest(
  rt: IngestRuntime,
  session: Session,
  { route, topic }: { route: Route; topic: string },
  payload: Buffer,
  callback: Callback,
) {
  let result: Interpretation;
  try {
    result = interpret(session.id, route, payload, rt.edges.of(session.id), { now: rt.now(), window: rt.timeWindow });
  } catch (error) {
    if (!(error instanceof MalformedPayload)) throw error;
    rt.security.record('malformed-payload', sourceOf(session), error.message);
    return callback(null);
  }
  if (result.gap)
    rt.security.record('sequence-gap', sourceOf(session), `expected ${result.gap.expected}, got ${result.gap.got}`);
  if (result.rebirth) rt.requestRebirth(session);
  if (result.outOfWindow) {
    // Kept whole for review, never applied: a late or future-dated value must not rewrite a reported shift.
    rt.security.record('timestamp-out-of-window', sourceOf(session), `topic ${topic}: ${result.outOfWindow}`);
    return quarantine(rt, session, topic, payload, callback, result.outOfWindow);
  }
  if (result.values.length === 0) return callback(null);
  rt.writer.add({ values: result.values }, (error) => callback(error ?? null));
}
