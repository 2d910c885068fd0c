import { Type } from '@sinclair/typebox';
import { ConflictError, ValidationError } from '../../kernel/errors.js';
import { newId } from '../../kernel/ids.js';
import { type CommandContext } from '../../kernel/pipeline/types.js';
import { defineCommand, type Database } from './db.js';
import { requireNode } from '../plant/index.js';
import { hashDeviceSecret, newDeviceSecret } from './credentials.js';
import { requireDevice, toDeviceView, type DeviceRow } from './store.js';
import { deviceView, deviceWithSecret } from './views.js';

const deviceName = Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{1,63}$', description: 'the device (MQTT user) name' });
// Sparkplug IDs are topic levels: no '/', '+', '#'; kept to a safe character set.
const sparkplugId = Type.String({ pattern: '^[A-Za-z0-9._-]{1,64}$' });
const byName = Type.Object({ name: deviceName }, { additionalProperties: false });
// The device's name is in the path of the routes that act on one device; the pattern shows in the document.
const nameParams = Type.Object({ name: Type.String({ pattern: deviceName.pattern, maxLength: 64 }) });
const reasonBody = Type.Object(
  { reason: Type.String({ minLength: 2, maxLength: 200 }) },
  { additionalProperties: false },
);

/** The secret is shown once; an idempotent replay would have to store it, so such calls are refused. */
function refuseReplayableSecret(ctx: CommandContext<Database>): void {
  if (ctx.origin.idempotencyKey !== undefined && ctx.origin.idempotencyKey !== '')
    throw new ValidationError('A device secret is shown once and never stored: send this without an Idempotency-Key.');
}

function audited(ctx: CommandContext<Database>, device: DeviceRow, event: string, extra: Record<string, unknown> = {}) {
  ctx.setTarget({ type: 'ingest.device', id: device.id });
  ctx.note({ name: device.name, ...extra });
  ctx.emit(event, { deviceId: device.id, name: device.name });
}

export const registerDevice = defineCommand({
  name: 'ingest.device.register',
  summary: 'Register a device bound to a piece of equipment and a Sparkplug namespace; returns its secret once',
  input: Type.Object(
    {
      name: deviceName,
      equipment: Type.String({ pattern: '^/[a-z0-9][a-z0-9._/-]*$', maxLength: 300 }),
      groupId: sparkplugId,
      edgeNodeId: sparkplugId,
    },
    { additionalProperties: false },
  ),
  output: deviceWithSecret,
  // validation_failed: sent with an Idempotency-Key; not_found: no such equipment.
  errors: ['validation_failed', 'not_found', 'device_exists'],
  permission: 'ingest.devices.manage',
  http: { method: 'POST', url: '/api/ingest/devices' },
  scope: (input) => input.equipment,
  async handler(ctx, input) {
    refuseReplayableSecret(ctx);
    await requireNode(ctx.tx, input.equipment);
    const clash = await ctx.tx
      .selectFrom('ingest_devices')
      .select('name')
      .where((eb) =>
        eb.or([
          eb('name', '=', input.name),
          eb.and([eb('group_id', '=', input.groupId), eb('edge_node_id', '=', input.edgeNodeId)]),
        ]),
      )
      .executeTakeFirst();
    if (clash) throw new ConflictError(`Device ${clash.name} already has that name or namespace.`, 'device_exists');
    const secret = newDeviceSecret();
    const row: DeviceRow = {
      id: newId(),
      name: input.name,
      node_path: input.equipment,
      group_id: input.groupId,
      edge_node_id: input.edgeNodeId,
      secret_hash: hashDeviceSecret(secret),
      state: 'active',
      quarantine_reason: null,
      created_at: ctx.now,
      rotated_at: ctx.now,
    };
    await ctx.tx.insertInto('ingest_devices').values(row).execute();
    audited(ctx, row, 'ingest.device.registered', { equipment: input.equipment, namespace: namespaceOf(row) });
    return { ...toDeviceView(row), secret };
  },
});

export const rotateDevice = defineCommand({
  name: 'ingest.device.rotate',
  summary: "Replace a device's secret (the old one stops working at once); returns the new secret once",
  input: byName,
  output: deviceWithSecret,
  errors: ['validation_failed', 'not_found'],
  permission: 'ingest.devices.manage',
  http: { method: 'POST', url: '/api/ingest/devices/:name/rotate', params: nameParams },
  async handler(ctx, input) {
    refuseReplayableSecret(ctx);
    const device = await requireDevice(ctx.tx, input.name);
    const secret = newDeviceSecret();
    await ctx.tx
      .updateTable('ingest_devices')
      .set({ secret_hash: hashDeviceSecret(secret), rotated_at: ctx.now })
      .where('id', '=', device.id)
      .execute();
    audited(ctx, device, 'ingest.device.rotated');
    return { ...toDeviceView({ ...device, rotated_at: ctx.now }), secret };
  },
});

export const quarantineDevice = defineCommand({
  name: 'ingest.device.quarantine',
  summary: 'Quarantine a device: its messages are refused and kept aside for review',
  input: Type.Object(
    { name: deviceName, reason: Type.String({ minLength: 2, maxLength: 200 }) },
    { additionalProperties: false },
  ),
  output: deviceView,
  errors: ['not_found', 'quarantined'],
  permission: 'ingest.devices.manage',
  http: {
    method: 'POST',
    url: '/api/ingest/devices/:name/quarantine',
    params: nameParams,
    body: reasonBody,
    toInput: (params, body) => ({ ...(body as object), name: params.name }),
  },
  async handler(ctx, input) {
    const device = await requireDevice(ctx.tx, input.name);
    if (device.state === 'quarantined') throw new ConflictError(`${input.name} is already quarantined.`, 'quarantined');
    await setState(ctx, device, 'quarantined', input.reason);
    audited(ctx, device, 'ingest.device.quarantined', { reason: input.reason });
    return toDeviceView({ ...device, state: 'quarantined', quarantine_reason: input.reason });
  },
});

export const releaseDevice = defineCommand({
  name: 'ingest.device.release',
  summary: 'Release a quarantined device: its messages are ingested again',
  input: byName,
  output: deviceView,
  errors: ['not_found', 'not_quarantined'],
  permission: 'ingest.devices.manage',
  http: { method: 'POST', url: '/api/ingest/devices/:name/release', params: nameParams },
  async handler(ctx, input) {
    const device = await requireDevice(ctx.tx, input.name);
    if (device.state !== 'quarantined') throw new ConflictError(`${input.name} is not quarantined.`, 'not_quarantined');
    await setState(ctx, device, 'active', null);
    audited(ctx, device, 'ingest.device.released');
    return toDeviceView({ ...device, state: 'active', quarantine_reason: null });
  },
});

async function setState(
  ctx: CommandContext<Database>,
  device: DeviceRow,
  state: DeviceRow['state'],
  reason: string | null,
) {
  await ctx.tx
    .updateTable('ingest_devices')
    .set({ state, quarantine_reason: reason })
    .where('id', '=', device.id)
    .execute();
}

export function namespaceOf(device: Pick<DeviceRow, 'group_id' | 'edge_node_id'>): string {
  return `spBv1.0/${device.group_id}/+/${device.edge_node_id}`;
}

export const deviceCommands = [registerDevice, rotateDevice, quarantineDevice, releaseDevice];
