import { SYSTEM_ACTOR, SYSTEM_ORIGIN } from '../../kernel/actors.js';
import { SECURITY_EVENT, type DomainEvent, type SecurityEventPayload } from '../../kernel/events.js';
import { AppError } from '../../kernel/errors.js';
import { dbOf } from './db.js';
import { runJob } from './dispatch.js';
import { historyOf } from './history.js';
import { silent, type BackupHost } from './host.js';
import { isConfigured, JOB_REQUESTED, type JobCommands } from './jobs.js';
import { BACKUP_FAILED, BACKUP_SUCCEEDED, COPY_FAILED, DRILL_FAILED, DRILL_PASSED } from './outcomes.js';
import { drillOverdue, dueJob } from './schedule.js';

export const TICK_MS = 30_000;
const DRILL_CONDITION = 'backup.drill';
const BACKUP_CONDITION = 'backup.run';

/**
 * Backups in a running server: runs the jobs requested over the API (after their commit), takes scheduled
 * backups, prunes and drills, and turns failures into security events and /readyz conditions that stay until
 * the next success.
 */
export class BackupService {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private readonly unsubscribe: (() => void)[] = [];
  private overdue = false;

  constructor(
    private readonly host: BackupHost,
    private readonly commands: JobCommands,
  ) {}

  start(): void {
    const { events } = this.host.context;
    const on = (type: string, handler: (event: DomainEvent) => void | Promise<void>) =>
      this.unsubscribe.push(events.subscribe(type, handler));
    on(JOB_REQUESTED, (event) => {
      const jobId = String(event.payload.jobId);
      // Not awaited: the request that claimed the job answers now; the work goes on in the background.
      this.running = runJob(this.host, jobId, silent).finally(() => (this.running = undefined));
    });
    const { health } = this.host.context;
    on(DRILL_FAILED, (e) =>
      this.alarm(
        { condition: DRILL_CONDITION, reason: 'a restore drill failed (see the backup history)' },
        'drill-failed',
        'high',
        `a restore drill failed at ${String(e.payload.destination)}: ${typeof e.payload.error === 'string' ? e.payload.error : 'see the drill history'}`,
        e,
      ),
    );
    on(DRILL_PASSED, () => health.clear(DRILL_CONDITION));
    on(BACKUP_FAILED, (e) =>
      this.alarm(
        { condition: BACKUP_CONDITION, reason: 'the last backup failed (see the backup history)' },
        'backup-failed',
        'high',
        `a backup failed: ${String(e.payload.error)}`,
        e,
      ),
    );
    on(BACKUP_SUCCEEDED, () => health.clear(BACKUP_CONDITION));
    on(COPY_FAILED, (e) =>
      this.alarm(
        undefined,
        'copy-failed',
        'medium',
        `a backup did not reach ${String(e.payload.destination)}: ${String(e.payload.error)}`,
        e,
      ),
    );
    if (!isConfigured(this.host.context.config)) return;
    this.timer = setInterval(
      () =>
        void this.tick().catch((error: unknown) =>
          this.host.context.logger.error({ err: error }, 'backup schedule failed'),
        ),
      TICK_MS,
    );
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    for (const off of this.unsubscribe) off();
    await this.running;
  }

  /** Resolves when the job running now (if any) has ended: for an orderly stop, and for tests. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** One look at the schedule: start what is due (as the system), and raise a drill that is overdue. */
  async tick(): Promise<void> {
    const { clock, config, health, commands } = this.host.context;
    const history = await historyOf(dbOf(this.host));
    const now = clock.now();
    const late = drillOverdue(history, config, now);
    if (late && !this.overdue)
      await this.alarm(
        { condition: DRILL_CONDITION, reason: 'no restore drill passed within the configured window' },
        'drill-overdue',
        'high',
        `no restore drill passed in the last ${config.backup.drill.windowHours} hours`,
      );
    if (!late && this.overdue) health.clear(DRILL_CONDITION);
    this.overdue = late;
    const kind = this.running ? undefined : dueJob(history, config, now);
    if (kind === undefined) return;
    try {
      await commands.execute(
        this.commands[kind === 'prune' || kind === 'drill' ? kind : 'backup'],
        {},
        SYSTEM_ACTOR,
        SYSTEM_ORIGIN,
      );
    } catch (error) {
      // Busy (a CLI run holds the lock): the next tick asks again.
      if (!(error instanceof AppError && error.code === 'backup_busy')) throw error;
    }
  }

  /** `health`: the condition /readyz shows until the next success; its reason is public, so it names nothing. */
  private async alarm(
    health: { condition: string; reason: string } | undefined,
    kind: string,
    severity: SecurityEventPayload['severity'],
    message: string,
    cause?: DomainEvent,
  ): Promise<void> {
    const { events, clock, logger } = this.host.context;
    const at = clock.now();
    if (health) this.host.context.health.set(health.condition, health.reason, at);
    logger.error({ securityEvent: kind, severity }, message);
    const payload: SecurityEventPayload = {
      source: 'backup',
      kind,
      severity,
      message,
      ...(cause ? { details: cause.payload } : {}),
    };
    await events.publish({ type: SECURITY_EVENT, payload, at });
  }
}
