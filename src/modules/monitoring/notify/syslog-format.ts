import type { AlertMessage } from './message.js';

/**
 * RFC 5424 messages and CEF lines for an alert (docs/OPERATIONS.md, "Notifiers"). Facility 10, authpriv
 * ("security/authorization messages"): the facility syslog daemons route to the protected security log by
 * default (rsyslog, syslog-ng: authpriv.* → /var/log/secure or auth.log), where 13 "log audit" usually goes
 * nowhere unless configured.
 */
export const FACILITY = 10;
/** Syslog severities (RFC 5424 §6.2.1): critical 2 Critical, high 3 Error, medium 4 Warning, low 5 Notice. */
const SYSLOG_SEVERITY = { critical: 2, high: 3, medium: 4, low: 5 } as const;
/** CEF severities 0–10. */
const CEF_SEVERITY = { critical: 10, high: 8, medium: 5, low: 3 } as const;
/** The SD-ID: 32473 is the private enterprise number RFC 5612 reserves for documentation and examples. */
export const SD_ID = 'bastion@32473';
const BOM = '\uFEFF';

/** PRINTUSASCII (%d33-126), at most `max` characters, `-` (NILVALUE) when nothing is left (RFC 5424 §6). */
export function headerField(value: string, max: number): string {
  const printable = value.replace(/[^\x21-\x7e]/g, '_').slice(0, max);
  return printable.length > 0 ? printable : '-';
}

/** PARAM-VALUE escaping (RFC 5424 §6.3.3): `"`, `\` and `]` are preceded by a backslash. */
export function sdValue(value: string): string {
  return value.replace(/["\\\]]/g, (c) => `\\${c}`);
}

export function structuredData(m: AlertMessage): string {
  const params: [string, string | number | null][] = [
    ['alert', m.alertId],
    ['rule', m.rule],
    ['severity', m.severity],
    ['reason', m.reason],
    ['count', m.count],
    ['technique', m.technique],
    ['delivery', m.deliveryId],
  ];
  const body = params
    .filter(([, value]) => value !== null)
    .map(([key, value]) => `${key}="${sdValue(String(value))}"`)
    .join(' ');
  return `[${SD_ID} ${body}]`;
}

/** CEF header fields: `\` and `|` escaped, no line breaks. */
export const cefHeader = (value: string) => value.replace(/[\\|]/g, (c) => `\\${c}`).replace(/[\r\n]+/g, ' ');
/** CEF extension values: `\` and `=` escaped, line breaks as `\n` / `\r`. */
export const cefValue = (value: string) =>
  value
    .replace(/[\\=]/g, (c) => `\\${c}`)
    .replace(/\r/g, '\\r')
    .replace(/\n/g, '\\n');

export function cefLine(m: AlertMessage, version: string): string {
  const extension: [string, string | number | null][] = [
    ['rt', Date.parse(m.queuedAt)],
    ['externalId', m.alertId],
    ['cnt', m.count],
    ['act', m.reason],
    ['cs1Label', 'groupKey'],
    ['cs1', m.groupKey],
    ['cs2Label', 'technique'],
    ['cs2', m.technique],
    ['cs3Label', 'delivery'],
    ['cs3', m.deliveryId],
    ['msg', m.summary],
  ];
  const ext = extension
    .filter(([, value]) => value !== null)
    .map(([key, value]) => `${key}=${cefValue(String(value))}`)
    .join(' ');
  const header = ['Bastion', 'Bastion MES', version, m.rule, m.title].map(cefHeader).join('|');
  return `CEF:0|${header}|${CEF_SEVERITY[m.severity]}|${ext}`;
}

/** One RFC 5424 message: `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD] MSG`. */
export function syslogMessage(
  m: AlertMessage,
  options: { hostname: string; format: 'rfc5424' | 'cef'; version: string },
): string {
  const pri = FACILITY * 8 + SYSLOG_SEVERITY[m.severity];
  const header = [
    `<${pri}>1`,
    m.queuedAt,
    headerField(options.hostname, 255),
    'bastion',
    headerField(String(process.pid), 128),
    headerField(m.rule, 32),
  ].join(' ');
  // MSG: UTF-8 text marked with a BOM as §6.4 asks; a CEF line is ASCII-framed as SIEMs expect it, no BOM.
  const msg = options.format === 'cef' ? cefLine(m, options.version) : `${BOM}${m.summary}`;
  return `${header} ${structuredData(m)} ${msg}`;
}

/** Octet-counting framing (RFC 6587 §3.4.1, and RFC 5425 §4.3 over TLS): `MSG-LEN SP SYSLOG-MSG`. */
export function octetCounted(message: string): Buffer {
  const bytes = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from(`${bytes.length} `, 'ascii'), bytes]);
}
