import type { Logger } from 'pino';
import {
  AttributeIds,
  MessageSecurityMode,
  OPCUAClient,
  SecurityPolicy,
  TimestampsToReturn,
  VariantArrayType,
  type ClientSession,
  type ClientSubscription,
  type DataValue,
} from 'node-opcua-client';
import { thumbprintOf, type OpcUaPki } from './pki.js';
import type { TagSink } from './sink.js';
import type { ConnectionSpec, ConnectionStatus } from './status.js';
import { refusal, toSampleValue } from './status.js';

/**
 * One OPC UA connection: SignAndEncrypt only, server certificate checked against Bastion's trust list,
 * one subscription with a monitored item per configured node, every data change handed to the sink.
 */
export class OpcUaConnector {
  private client?: OPCUAClient;
  private session?: ClientSession;
  private subscription?: ClientSubscription;
  status: ConnectionStatus = { state: 'stopped', since: Date.now() };

  constructor(
    private readonly spec: ConnectionSpec,
    private readonly pki: OpcUaPki,
    private readonly sink: TagSink,
    private readonly logger: Logger,
    private readonly onStatus: (status: ConnectionStatus) => void = () => {},
  ) {}

  /** Connects and subscribes; throws (and reports `refused` or `failed`) when that is not possible. */
  async start(): Promise<void> {
    this.report({ state: 'connecting', since: Date.now() });
    try {
      const security = await this.open();
      const certificate = [this.client?.serverCertificate ?? []].flat()[0];
      const serverThumbprint = certificate ? thumbprintOf(certificate) : undefined;
      this.report({ state: 'connected', security, serverThumbprint, since: Date.now() });
    } catch (error) {
      await this.close();
      this.report(refusal(error));
      throw error;
    }
  }

  async stop(): Promise<void> {
    await this.close();
    this.report({ state: 'stopped', since: Date.now() });
  }

  private async open(): Promise<string> {
    const client = OPCUAClient.create({
      applicationName: 'Bastion MES',
      clientCertificateManager: await this.pki.refresh(),
      // The only mode asked for: no endpoint offering less (None, Sign) is ever selected.
      securityMode: MessageSecurityMode.SignAndEncrypt,
      securityPolicy: SecurityPolicy[this.spec.securityPolicy],
      endpointMustExist: false,
      keepSessionAlive: true,
      // Fail fast; the service decides when to try again (and after a trust decision, at once).
      connectionStrategy: { maxRetry: 0, initialDelay: 200, maxDelay: 1000 },
    });
    this.client = client;
    client.on('connection_lost', () => this.report({ state: 'disconnected', since: Date.now() }));
    client.on('connection_reestablished', () => this.report({ ...this.status, state: 'connected', since: Date.now() }));
    await client.connect(this.spec.endpointUrl);
    this.session = await client.createSession();
    // Belt and braces: whatever the library negotiated, refuse a session that is not encrypted.
    const { securityMode, securityPolicyUri } = this.session.endpoint;
    if (securityMode !== MessageSecurityMode.SignAndEncrypt)
      throw new Error('insecure endpoint: the session is not SignAndEncrypt');
    await this.subscribe(this.session);
    return `${MessageSecurityMode[securityMode]} ${String(securityPolicyUri).split('#')[1]}`;
  }

  private async subscribe(session: ClientSession): Promise<void> {
    const { samplingMs } = this.spec;
    this.subscription = await session.createSubscription2({
      requestedPublishingInterval: samplingMs,
      requestedLifetimeCount: 600,
      requestedMaxKeepAliveCount: 20,
      maxNotificationsPerPublish: 1000,
      publishingEnabled: true,
      priority: 10,
    });
    for (const node of this.spec.nodes) {
      const item = await this.subscription.monitor(
        { nodeId: node.nodeId, attributeId: AttributeIds.Value },
        { samplingInterval: samplingMs, discardOldest: true, queueSize: 10 },
        TimestampsToReturn.Both,
      );
      item.on('changed', (value: DataValue) => this.deliver(node.tag, value));
    }
  }

  private deliver(tag: string, data: DataValue): void {
    // Only good scalar values are samples; arrays and bad-quality values are not measurements of a tag.
    if (!data.statusCode.isGood() || data.value.arrayType !== VariantArrayType.Scalar) return;
    const value = toSampleValue(data.value.value);
    if (value === undefined) return;
    const ts = (data.sourceTimestamp ?? data.serverTimestamp)?.getTime() ?? Date.now();
    const { name: connection, equipment } = this.spec;
    this.sink
      .write({ connection, equipment, tag, ts, value })
      .catch((error: unknown) => this.logger.error({ err: error, connection, tag }, 'OPC UA sample lost'));
  }

  private async close(): Promise<void> {
    const { client, session, subscription } = this;
    this.client = this.session = this.subscription = undefined;
    // Each step may fail on a half-open connection; the next must still run so no socket is left.
    await subscription?.terminate().catch(() => {});
    await session?.close().catch(() => {});
    await client?.disconnect().catch(() => {});
  }

  private report(status: ConnectionStatus): void {
    this.status = status;
    if (status.state === 'refused' || status.state === 'failed')
      this.logger.warn({ connection: this.spec.name, reason: status.reason }, `OPC UA connection ${status.state}`);
    this.onStatus(status);
  }
}
