import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { ApprovalPending } from '../../kernel/module.js';
import type { VerbContext } from '../context.js';
import { withBastion } from '../open.js';
import { run } from './users.js';

interface Exported {
  requestId: string;
  subjectId: string;
  erasedAt: string | null;
  records: Record<string, unknown[]>;
}

/** The export goes to a file (0600) or standard output; a summary line goes to standard error either way. */
async function exportVerb(ctx: VerbContext, person: string, options: { out?: string }) {
  const exported = await withBastion(ctx, 'privacy.subjects.export', (bastion) =>
    run<Exported>(bastion, 'privacy.subject.export', { subject: person }),
  );
  const json = JSON.stringify(exported, null, 2);
  if (options.out !== undefined) {
    writeFileSync(options.out, `${json}\n`, { mode: 0o600 });
    const rows = Object.values(exported.records).reduce((n, r) => n + r.length, 0);
    ctx.print(`Exported ${rows} rows about ${person} to ${options.out} (request ${exported.requestId}).`);
  } else ctx.print(json);
}

/** The console asks; a second person (security officer or administrator) approves over the API or the web app. */
async function eraseVerb(ctx: VerbContext, person: string, options: { reason: string }) {
  const held = await withBastion(ctx, 'privacy.subjects.erase', (bastion) =>
    run<ApprovalPending>(bastion, 'privacy.subject.erase', { subject: person, reason: options.reason }),
  );
  ctx.print(`Erasure of ${person} requested; it needs the approval of a second person (approval ${held.approvalId}).`);
  ctx.print(`Approve it in the web app or with POST /api/approvals/${held.approvalId}/approve.`);
}

export function addPrivacySubjectVerbs(privacy: Command, context: () => VerbContext): void {
  privacy
    .command('export')
    .description('Export everything held about a person as JSON (data-subject access request; audited)')
    .argument('<person>', 'user name or account id')
    .option('--out <file>', 'write the JSON to this file (0600) instead of standard output')
    .action((person: string, options: { out?: string }) => exportVerb(context(), person, options));
  privacy
    .command('erase')
    .description('Request the erasure of a person by crypto-shredding (a second person approves it)')
    .argument('<person>', 'user name or account id')
    .requiredOption('--reason <text>', 'why (recorded in the register and the audit log)')
    .action((person: string, options: { reason: string }) => eraseVerb(context(), person, options));
}
