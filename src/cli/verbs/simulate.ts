import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { MachineSnapshot } from '../../simulate/machine.js';
import { simulate } from '../../simulate/run.js';
import type { VerbContext } from '../context.js';
import { CliError, ExitCode } from '../io.js';

interface SimulateOptions {
  url: string;
  ca?: string;
  username: string;
  secretFile: string;
  group: string;
  edge: string;
  machines: string;
  period: string;
  speed: string;
  seed: string;
  reports?: string;
}

const positive = (value: string, name: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new CliError(`--${name} must be a positive number`, ExitCode.usage);
  return n;
};

/**
 * One line per report: each machine's state (with the fault when it is down), good and scrap parts so far,
 * then the messages sent. A whole line each time, so it reads the same in a terminal, a log or a pipe.
 */
export function progressLine(machines: Map<string, MachineSnapshot>, messages: number): string {
  const each = [...machines].map(([name, m]) => {
    const state = m.state === 'down' && m.fault !== null && m.fault !== '' ? `down (${m.fault})` : m.state;
    return `${name} ${state}, ${m.good} good, ${m.total - m.good} scrap`;
  });
  return `${each.join(' · ')} · ${messages} messages sent`;
}

/** `bastion simulate`: virtual machines publishing Sparkplug B over MQTT, as a registered device would. */
export async function simulateVerb(ctx: VerbContext, options: SimulateOptions): Promise<void> {
  await ctx.authorize('system.simulate');
  // The secret comes from a file (0600), never from the command line, where `ps` would show it.
  const password = readFileSync(options.secretFile, 'utf8').trim();
  const machines = Math.round(positive(options.machines, 'machines'));
  let reports = 0;
  const running = await simulate({
    url: options.url,
    ca: options.ca !== undefined && options.ca !== '' ? readFileSync(options.ca, 'utf8') : undefined,
    username: options.username,
    password,
    group: options.group,
    edge: options.edge,
    machines,
    periodMs: positive(options.period, 'period'),
    speed: positive(options.speed, 'speed'),
    seed: Math.round(positive(options.seed, 'seed')),
    reports:
      options.reports !== undefined && options.reports !== ''
        ? Math.round(positive(options.reports, 'reports'))
        : undefined,
    onReport: ({ sent, machines: now }) => {
      reports += sent;
      ctx.io.stderr.write(`${progressLine(now, reports)}\n`);
    },
  });
  ctx.print(`Simulating ${machines} machine(s) as ${options.group}/${options.edge} on ${options.url}`);
  const stop = () => void running.stop();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await running.done;
  await running.stop();
}

export function addSimulateVerb(program: Command, context: () => VerbContext): Command {
  return program
    .command('simulate')
    .description('Run virtual machines that publish Sparkplug B over MQTT (states, counts, scrap, faults)')
    .requiredOption('--username <device>', 'the registered device name to connect as')
    .requiredOption('--secret-file <file>', 'file holding the device secret')
    .requiredOption('--group <id>', 'Sparkplug group ID of the device')
    .requiredOption('--edge <id>', 'Sparkplug edge node ID of the device')
    .option('--url <url>', 'broker URL', 'mqtts://127.0.0.1:8883')
    .option('--ca <file>', "CA certificate (PEM) of the broker, e.g. the data directory's tls/server.crt")
    .option('--machines <n>', 'number of machines', '3')
    .option('--period <ms>', 'milliseconds between reports', '1000')
    .option('--speed <factor>', 'plant seconds per real second', '1')
    .option('--seed <n>', 'random seed (the same seed gives the same run)', '1')
    .option('--reports <n>', 'stop after this many reports per machine')
    .action((options: SimulateOptions) => simulateVerb(context(), options));
}
