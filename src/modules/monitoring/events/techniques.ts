/**
 * The MITRE ATT&CK for ICS techniques Bastion's events map to (https://attack.mitre.org/techniques/ics/).
 * Only the id is stored; the name is for people reading the alert.
 */
export const TECHNIQUES = {
  T0806: 'Brute Force I/O',
  T0812: 'Default Credentials',
  T0814: 'Denial of Service',
  T0822: 'External Remote Services',
  T0831: 'Manipulation of Control',
  T0832: 'Manipulation of View',
  T0836: 'Modify Parameter',
  T0842: 'Network Sniffing',
  T0848: 'Rogue Master',
  T0859: 'Valid Accounts',
  T0872: 'Indicator Removal on Host',
  T0882: 'Theft of Operational Information',
  T0886: 'Remote Services',
  T0890: 'Exploitation for Privilege Escalation',
  T0809: 'Data Destruction',
  T0816: 'Device Restart/Shutdown',
  T0856: 'Spoof Reporting Message',
  T0866: 'Exploitation of Remote Services',
} as const;

export type Technique = keyof typeof TECHNIQUES;
