import type { Logger } from 'pino';
import { SYSTEM_ACTOR, SYSTEM_ORIGIN } from '../../../kernel/actors.js';
import type { Clock } from '../../../kernel/clock.js';
import type { CommandPort } from '../../../kernel/module.js';
import type { AnyCommand } from '../../../kernel/pipeline/types.js';
import { batchRunner, disposalPass } from './pass.js';

/** How often the service looks whether a pass is due; the pass itself runs every `privacy.disposeEveryHours`. */
export const RETENTION_TICK_MS = 60_000;

export interface RetentionHost {
  commands: Pick<CommandPort, 'execute'>;
  clock: Clock;
  logger: Logger;
  everyHours: number;
  /** The internal command (`privacy.dispose.scheduled`) the system actor runs. */
  scheduled: AnyCommand;
  /** How much is past retention now (a read): with nothing to dispose of, no command runs and nothing is audited. */
  pending?: () => Promise<number>;
}

/**
 * The scheduled disposal in `bastion serve`: a pass at start-up (a server restarted daily still disposes) and
 * then every `privacy.disposeEveryHours`; each batch is audited, and the pass's report is logged.
 */
export class RetentionService {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private lastRun: number | undefined;

  constructor(private readonly host: RetentionHost) {}

  start(): void {
    if (this.host.everyHours === 0) return;
    const tick = () => void this.tick();
    this.timer = setInterval(tick, RETENTION_TICK_MS);
    this.timer.unref();
    tick();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Runs a pass when one is due and none is running; failures are logged, the next tick tries again. */
  async tick(): Promise<void> {
    const now = this.host.clock.now();
    const due = this.lastRun === undefined || now - this.lastRun >= this.host.everyHours * 3_600_000;
    if (!due || this.running) return;
    this.lastRun = now;
    const { commands, scheduled, logger, pending } = this.host;
    const nothing = await (pending?.() ?? Promise.resolve(-1)).then(
      (n) => n === 0,
      (error: unknown) => (logger.error({ err: error }, 'retention: could not count expired data'), true),
    );
    if (nothing) return;
    const run = batchRunner(commands.execute.bind(commands), scheduled, SYSTEM_ACTOR, SYSTEM_ORIGIN);
    this.running = disposalPass(run)
      .then((report) => logger.info({ disposal: report }, 'retention: disposal pass done'))
      .catch((error: unknown) => logger.error({ err: error }, 'retention: disposal pass failed'))
      .finally(() => (this.running = undefined));
    await this.running;
  }
}
