/**
 * Incident playbooks as data: a checklist each, copied into the incident when it is opened (incident_steps), so
 * editing a playbook here never rewrites what an incident already records.
 */
export interface Playbook {
  name: string;
  title: string;
  steps: string[];
}

export const PLAYBOOKS: readonly Playbook[] = [
  {
    name: 'ransomware',
    title: 'Ransomware or destructive malware',
    steps: [
      'Isolate the affected hosts and network segment (zone conduits closed, remote access cut).',
      'Verify the latest backups: run `bastion backup verify` and record the result.',
      'Run a restore drill (`bastion backup drill`) to prove the backups restore before relying on them.',
      'Preserve evidence: disk and memory images, logs, and an audit verification (`bastion audit verify`).',
      'Notify per NIS2 Art. 23: early warning to the CSIRT or authority within 24 h, notification within 72 h.',
    ],
  },
  {
    name: 'recipe-tampering',
    title: 'Suspected recipe or set-point tampering',
    steps: [
      'Hold the affected lots produced since the suspected change.',
      'Verify the recipe seals (`bastion recipes verify`).',
      'Compare the recipe downloads with the machine readbacks for every affected line.',
      'Review the recipe audit trail: who changed, approved and downloaded what, and when.',
    ],
  },
  {
    name: 'compromised-account',
    title: 'Compromised account',
    steps: [
      "Revoke the account's sessions (disable it: `bastion users disable`).",
      'Reset its password and its second factor (`bastion users reset`, `bastion users mfa-reset`).',
      "Review the account's audit trail for what it did since the suspected compromise.",
      'Check the grants made by the account and revoke those not justified.',
    ],
  },
  {
    name: 'generic',
    title: 'Generic security incident',
    steps: [
      'Triage: confirm the incident, its scope and severity; name an owner.',
      'Contain: stop the spread (isolate hosts, disable accounts, block devices).',
      'Preserve evidence, including an audit verification (`bastion audit verify`).',
      'Eradicate the cause and recover the affected systems.',
      'Decide on notification (NIS2 Art. 23, GDPR Art. 33) and record the decision.',
    ],
  },
];

export function playbookNamed(name: string): Playbook | undefined {
  return PLAYBOOKS.find((p) => p.name === name);
}
