import type { ModuleContext } from '../../kernel/module.js';
import type { OpcUaConnector } from './connector.js';
import { opcuaPkiFolder, OpcUaPki } from './pki.js';
import { allConnections, connectionByName, toSpec } from './queries.js';
import { SampleTableSink, type TagSink } from './sink.js';
import type { ConnectionStatus } from './status.js';

interface Running {
  connector: OpcUaConnector;
  retry?: NodeJS.Timeout;
}

/**
 * The OPC UA side of one Bastion instance: its PKI, its sample sink and the running connectors.
 * Connector status is runtime state of this instance (not stored): another instance may see otherwise.
 */
export class OpcUaService {
  readonly pki: OpcUaPki;
  readonly sink: SampleTableSink;
  private readonly running = new Map<string, Running>();
  /** Per connection, the last (re)connect: they run one after another, never two at once. */
  private readonly queue = new Map<string, Promise<unknown>>();
  private active = false;

  constructor(private readonly context: ModuleContext) {
    this.pki = new OpcUaPki(opcuaPkiFolder(context.config.dataDir));
    const { batchMaxSamples: maxSamples, batchMaxDelayMs: maxDelayMs } = context.config.opcua;
    this.sink = new SampleTableSink(context.commands, context.logger, { maxSamples, maxDelayMs });
    // Verdicts are carried out only after their command committed (events run after commit): a trust
    // that the audit log does not show never takes effect.
    context.events.subscribe('opcua.certificate.trusted', (e) => this.judge(String(e.payload.thumbprint), 'trusted'));
    context.events.subscribe('opcua.certificate.rejected', (e) => this.judge(String(e.payload.thumbprint), 'rejected'));
    context.events.subscribe('opcua.connection.defined', (e) => this.background(String(e.payload.name)));
  }

  /** Connects every defined connection; one that fails is retried every `opcua.retrySeconds`. */
  async start(): Promise<void> {
    this.active = true;
    for (const spec of await allConnections(this.context.db)) this.background(spec.name);
  }

  /** (Re)connects one connection now. Throws what the connect threw; the status says why. */
  connect(name: string, sink: TagSink = this.sink): Promise<ConnectionStatus> {
    const next = (this.queue.get(name) ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => this.reconnect(name, sink));
    this.queue.set(name, next);
    return next;
  }

  status(name: string): ConnectionStatus {
    return this.running.get(name)?.connector.status ?? { state: 'stopped', since: 0 };
  }

  async disconnect(name: string): Promise<void> {
    const running = this.running.get(name);
    if (!running) return;
    this.running.delete(name);
    clearTimeout(running.retry);
    await running.connector.stop();
  }

  async stop(): Promise<void> {
    this.active = false;
    await Promise.allSettled([...this.queue.values()]);
    for (const name of [...this.running.keys()]) await this.disconnect(name);
    await this.sink.flush();
    await this.pki.dispose();
  }

  private async reconnect(name: string, sink: TagSink): Promise<ConnectionStatus> {
    await this.disconnect(name);
    const row = await connectionByName(this.context.db, name);
    if (!row) throw new Error(`no OPC UA connection ${name}`);
    // Loaded on first use: node-opcua is heavy and most processes (CLI verbs) never connect.
    const { OpcUaConnector } = await import('./connector.js');
    const connector: OpcUaConnector = new OpcUaConnector(toSpec(row), this.pki, sink, this.context.logger, (status) =>
      this.onStatus(name, connector, status),
    );
    this.running.set(name, { connector });
    await connector.start();
    return connector.status;
  }

  /** Serving: connection attempts never hold up the command or request that caused them. */
  private background(name: string): void {
    if (this.active) void this.connect(name).catch(() => undefined);
  }

  private onStatus(name: string, connector: OpcUaConnector, status: ConnectionStatus): void {
    const running = this.running.get(name);
    // A connector that has been replaced or stopped has no say any more.
    if (running?.connector !== connector || !this.active) return;
    if (['refused', 'failed', 'disconnected'].includes(status.state) && !running.retry) {
      running.retry = setTimeout(() => {
        running.retry = undefined;
        if (this.running.get(name) === running) this.background(name);
      }, this.context.config.opcua.retrySeconds * 1000);
      running.retry.unref();
    }
  }

  /** Moves the certificate; then a trusted server is tried again and a rejected one is left at once. */
  private async judge(thumbprint: string, verdict: 'trusted' | 'rejected'): Promise<void> {
    await this.pki.move(thumbprint, verdict);
    for (const [name, { connector }] of this.running) {
      const { state, serverThumbprint } = connector.status;
      if (verdict === 'trusted' && state === 'refused') this.background(name);
      if (verdict === 'rejected' && serverThumbprint === thumbprint) {
        await this.disconnect(name);
        this.background(name);
      }
    }
  }
}

const services = new WeakMap<ModuleContext, OpcUaService>();

/** One service per module context (per Bastion instance), made when the module's commands are registered. */
export function opcuaService(context: ModuleContext): OpcUaService {
  let service = services.get(context);
  if (!service) services.set(context, (service = new OpcUaService(context)));
  return service;
}
