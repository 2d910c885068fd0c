import { Command, CommanderError, Option } from 'commander';
import { NotInitializedError } from '../app/errors.js';
import { VERSION } from '../app/serve.js';
import { AppError } from '../kernel/errors.js';
import type { BastionConfig } from '../kernel/config/schema.js';
import { verbContext } from './context.js';
import { CliError, ExitCode, type CliIo } from './io.js';
import { addAccessVerbs } from './verbs/access.js';
import { addTraceVerbs } from './verbs/trace.js';
import { exportVerb, proofVerb, verifyVerb } from './verbs/audit.js';
import { addDemoVerbs } from './verbs/demo.js';
import { addDeviceVerbs } from './verbs/devices.js';
import { addOrderVerbs } from './verbs/orders.js';
import { addSimulateVerb } from './verbs/simulate.js';
import { addRecipeVerbs } from './verbs/recipes.js';
import { initVerb } from './verbs/init.js';
import { serveVerb } from './verbs/serve.js';
import { addUsersVerbs } from './verbs/users.js';
import { addBadgeVerb, addTerminalVerbs } from './verbs/terminals.js';
import { addBackupVerbs } from './verbs/backup.js';
import { addRestoreVerb } from './verbs/restore.js';
import { addKeysVerbs } from './verbs/keys.js';
import { addDataVerbs } from './verbs/data.js';
import { addPrivacyDisposeVerb } from './verbs/privacy.js';
import { addPrivacySubjectVerbs } from './verbs/privacy-subjects.js';
import { addAlertVerbs } from './verbs/alerts.js';
import { addIncidentVerbs } from './verbs/incidents.js';

/** Permission each verb requires; kept here so a test can hold every verb to a declared permission. */
export const verbPermissions: Record<string, string> = {
  init: 'system.init',
  serve: 'system.serve',
  'demo reset': 'system.demo',
  simulate: 'system.simulate',
  'recipes list': 'recipes.read',
  'recipes show': 'recipes.read',
  'recipes diff': 'recipes.read',
  'recipes verify': 'recipes.read',
  'audit verify': 'audit.verify',
  'audit export': 'audit.export',
  'audit proof': 'audit.read',
  'users add': 'identity.users.manage',
  'users list': 'identity.users.read',
  'users disable': 'identity.users.manage',
  'users enable': 'identity.users.manage',
  'users unlock': 'identity.users.manage',
  'users expire': 'identity.users.manage',
  'users reset': 'identity.users.manage',
  'users mfa-reset': 'identity.users.manage',
  'users grant': 'identity.grants.manage',
  'users revoke': 'identity.grants.manage',
  'access matrix': 'identity.grants.read',
  'trace backward': 'genealogy.read',
  'trace forward': 'genealogy.read',
  'devices register': 'ingest.devices.manage',
  'orders import': 'production.orders.plan',
  'terminals register': 'identity.terminal.register',
  'terminals list': 'identity.terminal.read',
  'users badge': 'identity.badge.assign',
  'backup run': 'backup.run',
  'backup list': 'backup.read',
  'backup verify': 'backup.verify',
  'backup prune': 'backup.prune',
  'backup drill': 'backup.drill',
  'backup keygen': 'backup.run',
  restore: 'backup.restore',
  'keys list': 'crypto.keys.read',
  'keys rotate': 'crypto.keys.rotate',
  'keys seal': 'crypto.keys.rotate',
  'data catalog': 'privacy.catalog.read',
  'privacy export': 'privacy.subjects.export',
  'privacy erase': 'privacy.subjects.erase',
  'privacy dispose': 'privacy.dispose',
  'alerts list': 'monitoring.alerts.read',
  'alerts ack': 'monitoring.alerts.manage',
  'incidents list': 'monitoring.incidents.read',
  'incidents show': 'monitoring.incidents.read',
  'incidents open': 'monitoring.incidents.manage',
  'incidents close': 'monitoring.incidents.manage',
};

const quietLogs = 'warn';

function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command('bastion')
    .description('Bastion MES: a manufacturing execution system that is secure by design.')
    .version(VERSION)
    .addHelpText(
      'after',
      '\nExit codes: 0 ok, 1 failure, 2 bad arguments, 3 bad configuration, 4 not initialised, 10 audit log invalid, 11 a witness lacks checkpoints.',
    )
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: () => undefined })
    .showSuggestionAfterError(true);

  program
    .command('init')
    .description('Initialise the data directory: keys, TLS certificate, database, bootstrap administrator')
    .option('--admin <username>', 'user name of the bootstrap administrator', 'admin')
    .option('--demo', 'also seed a demonstration plant with an account for every role (see "bastion demo")')
    .action(async (options: { admin: string; demo?: boolean }) =>
      initVerb(verbContext(io, undefined, quietLogs), options),
    );

  program
    .command('serve')
    .description('Serve the API over HTTPS (initialises an empty data directory first)')
    .addOption(new Option('--http', 'serve plain HTTP instead of HTTPS (only behind a TLS-terminating proxy)'))
    .option('--demo', 'initialise an empty data directory with the demonstration plant (as "init --demo")')
    .action(async (options: { http?: boolean; demo?: boolean }) => {
      const plain = (config: BastionConfig) =>
        options.http ? { ...config, http: { ...config.http, plain: true } } : config;
      await serveVerb(verbContext(io, plain), { demo: options.demo });
    });

  const audit = program.command('audit').description('Verify, export and prove the tamper-evident audit log');
  audit
    .command('verify')
    .description('Check every record against the hash chain and every signed checkpoint (database and witnesses)')
    .option('--json', 'print the full report as JSON')
    .option('--public-key <file>', 'checkpoint public key (PEM) to trust instead of the one in the data directory')
    .action(async (options: { json?: boolean; publicKey?: string }) =>
      setExit(await verifyVerb(verbContext(io, undefined, quietLogs), options)),
    );
  audit
    .command('export')
    .description('Write the log as JSON Lines: each record as stored, then each checkpoint')
    .option('--out <file>', 'write to a file (mode 0600) instead of standard output')
    .action(async (options: { out?: string }) => exportVerb(verbContext(io, undefined, quietLogs), options));
  audit
    .command('proof')
    .description('Print the inclusion proof of record SEQ against the latest checkpoint')
    .argument('<SEQ>', 'sequence number of the record')
    .option('--tree-size <n>', 'prove against this tree size instead')
    .action(async (seq: string, options: { treeSize?: string }) =>
      proofVerb(verbContext(io, undefined, quietLogs), seq, options),
    );

  const users = addUsersVerbs(program, () => verbContext(io, undefined, quietLogs));
  addBadgeVerb(users, () => verbContext(io, undefined, quietLogs));
  const access = addAccessVerbs(program, () => verbContext(io, undefined, quietLogs));
  const traceVerbs = addTraceVerbs(program, () => verbContext(io, undefined, quietLogs));
  const demo = addDemoVerbs(program, () => verbContext(io, undefined, quietLogs));
  addSimulateVerb(program, () => verbContext(io, undefined, quietLogs));
  const recipes = addRecipeVerbs(program, () => verbContext(io, undefined, quietLogs));
  const devices = addDeviceVerbs(program, () => verbContext(io, undefined, quietLogs));
  const orders = addOrderVerbs(program, () => verbContext(io, undefined, quietLogs));
  const terminals = addTerminalVerbs(program, () => verbContext(io, undefined, quietLogs));
  const backup = addBackupVerbs(program, () => verbContext(io, undefined, quietLogs), setExit);
  addRestoreVerb(program, () => verbContext(io, undefined, quietLogs), setExit);
  const keys = addKeysVerbs(program, () => verbContext(io, undefined, quietLogs));
  const data = addDataVerbs(program, () => verbContext(io, undefined, quietLogs));
  const privacy = program
    .command('privacy')
    .description('Data-subject requests (export, erasure) and disposal of data past its retention');
  addPrivacySubjectVerbs(privacy, () => verbContext(io, undefined, quietLogs));
  addPrivacyDisposeVerb(privacy, () => verbContext(io, undefined, quietLogs));
  const alerts = addAlertVerbs(program, () => verbContext(io, undefined, quietLogs));
  const incidents = addIncidentVerbs(program, () => verbContext(io, undefined, quietLogs));

  for (const command of [
    program,
    audit,
    users,
    access,
    traceVerbs,
    demo,
    recipes,
    devices,
    orders,
    terminals,
    backup,
    keys,
    data,
    privacy,
    alerts,
    incidents,
  ])
    command.exitOverride().configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: () => undefined });
  return program;
}

function exitCodeOf(error: unknown): { code: number; message: string } {
  if (error instanceof CliError) return { code: error.exitCode, message: error.message };
  if (error instanceof NotInitializedError) return { code: ExitCode.notInitialized, message: error.message };
  if (error instanceof AppError)
    return { code: error.code === 'config_invalid' ? ExitCode.config : ExitCode.failure, message: error.message };
  return { code: ExitCode.failure, message: error instanceof Error ? error.message : String(error) };
}

/** Runs the CLI and returns its exit code. Every error is one line on stderr. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let exit: number = ExitCode.ok;
  const program = buildProgram(io, (code) => (exit = code));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exit;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return ExitCode.ok; // --help, --version
      io.stderr.write(`bastion: ${error.message.replace(/^error: /, '')} (see "bastion --help")\n`);
      return ExitCode.usage;
    }
    const { code, message } = exitCodeOf(error);
    io.stderr.write(`bastion: ${message.split('\n')[0]}\n`);
    return code;
  }
}
