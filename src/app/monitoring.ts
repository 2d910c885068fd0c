import type { Logger } from 'pino';
import { Detector } from '../modules/monitoring/index.js';
import type { Bastion } from './bastion.js';

export interface RunningMonitoring {
  detector: Detector;
  /** Resolves when everything recorded so far has been read by the rules and its alerts raised. */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Detection in a server: the rules over the security events every process records (bastion.securityEvents),
 * alerts raised and escalated through the pipeline. Started by `bastion serve`, and by tests the same way.
 */
export async function startMonitoring(bastion: Bastion, logger: Logger): Promise<RunningMonitoring> {
  const detector = new Detector({
    db: bastion.context.db as ConstructorParameters<typeof Detector>[0]['db'],
    commands: bastion.context.commands,
    clock: bastion.clock,
    logger,
    config: bastion.config.monitoring,
    raise: bastion.pipeline.get('monitoring.alerts.raise'),
    escalate: bastion.pipeline.get('monitoring.alerts.escalate.scheduled'),
    instance: bastion.securityEvents.instance,
  });
  await detector.start();
  const handOver = bastion.securityEvents.onWritten((events) => detector.observeLocal(events));
  const unsubscribe = bastion.events.subscribe('monitoring.rules-tuned', () => detector.reloadRules());
  return {
    detector,
    async settled() {
      await bastion.securityEvents.flush();
      await detector.settled();
    },
    async stop() {
      unsubscribe();
      handOver();
      await detector.stop();
    },
  };
}
