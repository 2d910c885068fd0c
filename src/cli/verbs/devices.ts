import type { Command } from 'commander';
import type { VerbContext } from '../context.js';
import { withBastion } from '../open.js';
import { run } from './users.js';

interface RegisterOptions {
  equipment: string;
  group: string;
  edgeNode?: string;
  json?: boolean;
}

interface RegisteredDevice {
  id: string;
  name: string;
  equipment: string;
  groupId: string;
  edgeNodeId: string;
  secret: string;
}

/**
 * `bastion devices register NAME`: the same command as `POST /api/ingest/devices`, as the console. The secret
 * is printed this once and stored only as a hash, so a lost secret is replaced (rotated), never shown again.
 */
export async function registerDeviceVerb(ctx: VerbContext, name: string, options: RegisterOptions): Promise<void> {
  const device = await withBastion(ctx, 'ingest.devices.manage', (bastion) =>
    run<RegisteredDevice>(bastion, 'ingest.device.register', {
      name,
      equipment: options.equipment,
      groupId: options.group,
      edgeNodeId: options.edgeNode ?? name,
    }),
  );
  if (options.json === true) return ctx.print(JSON.stringify(device, null, 2));
  ctx.print(`Registered device ${device.name} (id ${device.id}) on ${device.equipment}`);
  ctx.print(`Sparkplug namespace: spBv1.0/${device.groupId}/+/${device.edgeNodeId}; MQTT user name: ${device.name}`);
  ctx.print(`Secret (shown once; Bastion keeps only its hash): ${device.secret}`);
}

export function addDeviceVerbs(program: Command, context: () => VerbContext): Command {
  const devices = program.command('devices').description('Register the devices that feed the plant over MQTT');
  devices
    .command('register')
    .description('Register a device bound to a piece of equipment and a Sparkplug namespace; prints its secret once')
    .argument('<NAME>', 'device name: its MQTT user name and client ID (a-z, 0-9, ".", "_", "-")')
    .requiredOption('--equipment <path>', 'plant path of the equipment it feeds, e.g. /acme/site-1/line-1/press-1')
    .requiredOption('--group <id>', 'Sparkplug group ID')
    .option('--edge-node <id>', 'Sparkplug edge node ID (default: the device name)')
    .option('--json', 'print the device and its secret as JSON')
    .action((name: string, options: RegisterOptions) => registerDeviceVerb(context(), name, options));
  return devices;
}
