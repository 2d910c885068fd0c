import type { Logger } from 'pino';
import type { ModuleContext } from '../../kernel/module.js';
import type { BastionConfig } from '../../kernel/config/schema.js';
import { BatchWriter } from './batch.js';
import { EdgeNodes } from './edges.js';
import { rebirthRequest } from './payloads.js';
import type { IngestRuntime, Session } from './runtime.js';
import { Pacer } from './pacer.js';
import { SecurityRecorder } from './security.js';
import { timeWindowOf } from './timestamps.js';
import { commandTopic } from './topics.js';

/** How a runtime sends a command to devices: the embedded broker publishes it, a client sends it out. */
export type SendCommand = (topic: string, payload: Buffer, onError: (error: Error) => void) => void;

/**
 * One ingest runtime for both ways in (embedded broker, external broker): the same batching, security
 * records, edge-node state and pacing; only the batch size, how commands leave and what pacing may do differ.
 */
export function createRuntime(
  context: ModuleContext,
  config: BastionConfig,
  logger: Logger,
  options: { maxMessages: number; send: SendCommand; maxHoldMs: number; flagFlooding: boolean },
): IngestRuntime {
  const writer = new BatchWriter(context.commands, logger, {
    maxMessages: options.maxMessages,
    maxDelayMs: config.mqtt.batchMaxDelayMs,
  });
  const now = () => context.clock.now();
  const rt: IngestRuntime = {
    db: context.db,
    logger,
    now,
    writer,
    security: new SecurityRecorder(writer, logger, now),
    edges: new EdgeNodes(),
    pacer: new Pacer(config.mqtt.maxMessagesPerSecond),
    maxHoldMs: options.maxHoldMs,
    flagFlooding: options.flagFlooding,
    maxPayloadBytes: config.mqtt.maxPayloadBytes,
    timeWindow: timeWindowOf(config),
    sessions: new WeakMap(),
    clients: new Map(),
    requestRebirth: (session: Session) => {
      if (!rt.edges.of(session.id).mayRequestRebirth(now())) return;
      options.send(commandTopic(session), rebirthRequest(now()), (error) =>
        logger.error({ err: { message: error.message }, device: session.name }, 'rebirth request failed'),
      );
    },
  };
  return rt;
}
