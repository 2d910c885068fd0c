import type { Logger } from 'pino';
import {
  ALERT_ESCALATED,
  ALERT_RAISED,
  buildNotifiers,
  DeliveryWorker,
  Detector,
} from '../modules/monitoring/index.js';
import type { ReadDb } from '../kernel/store.js';
import type { MonitoringTables } from '../modules/monitoring/index.js';
import type { Bastion } from './bastion.js';
import { VERSION } from './version.js';

export interface RunningMonitoring {
  detector: Detector;
  /** Resolves when everything recorded so far has been read by the rules and its alerts raised. */
  settled(): Promise<void>;
  /** The outbox's delivery worker (notifiers built from monitoring.notifiers). */
  deliveries: DeliveryWorker;
  /** Resolves when every delivery due now has been tried. */
  deliveriesSettled(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Detection in a server: the rules over the security events every process records (bastion.securityEvents),
 * alerts raised and escalated through the pipeline. Started by `bastion serve`, and by tests the same way.
 */
export async function startMonitoring(bastion: Bastion, logger: Logger): Promise<RunningMonitoring> {
  // First: a notifier's unreadable secret file stops start-up before anything runs.
  const deliveries = deliveryWorker(bastion, logger);
  const detector = new Detector({
    db: bastion.context.db as ReadDb<MonitoringTables>,
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
  await deliveries.start();
  // Outbox rows commit with their alert; the events come after the commit, so the worker finds them at once.
  const unsubscribeRaised = bastion.events.subscribe(ALERT_RAISED, () => deliveries.nudge());
  const unsubscribeEscalated = bastion.events.subscribe(ALERT_ESCALATED, () => deliveries.nudge());
  return {
    detector,
    deliveries,
    deliveriesSettled: () => deliveries.settled(),
    async settled() {
      await bastion.securityEvents.flush();
      await detector.settled();
    },
    async stop() {
      unsubscribe();
      handOver();
      unsubscribeRaised();
      unsubscribeEscalated();
      await detector.stop();
      await deliveries.stop();
    },
  };
}

/** The notifiers, built once from configuration (their secrets read now), and the worker that delivers the outbox. */
function deliveryWorker(bastion: Bastion, logger: Logger): DeliveryWorker {
  const config = bastion.config.monitoring;
  return new DeliveryWorker({
    db: bastion.context.db as ReadDb<MonitoringTables>,
    transact: bastion.context.writer('monitoring.deliveries'),
    notifiers: buildNotifiers(config, bastion.config.tls, VERSION, () => bastion.clock.now()),
    clock: bastion.clock,
    logger,
    health: bastion.health,
    retry: config.retry,
  });
}
