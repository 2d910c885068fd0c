import { Badge, When } from '../../ui/controls';
import { Table } from '../../ui/table';
import { MASKED_TEXT, signerText, type ShownParameter, type VersionSummary } from './model';

/** A value with its unit, or the plain statement that it is withheld (never an empty cell). */
export function Value({ value, unit }: { value: number | null | undefined; unit: string }) {
  if (value === null || value === undefined) return <span className="masked">{MASKED_TEXT}</span>;
  return (
    <span className="secret">
      {value} {unit}
    </span>
  );
}

/** A parameter's set point and validated range in one cell (the diff's old and new sides). */
export function ParameterValues({ p }: { p: ShownParameter | null }) {
  if (p === null) return <span>— (not in this version)</span>;
  if (p.setPoint === null || p.setPoint === undefined) return <span className="masked">{MASKED_TEXT}</span>;
  return (
    <span className="secret">
      {p.setPoint} {p.unit} (range {p.low}–{p.high})
    </span>
  );
}

export function ParameterTable({ caption, parameters }: { caption: string; parameters: ShownParameter[] }) {
  return (
    <Table
      caption={caption}
      rows={parameters}
      rowKey={(p) => p.name}
      columns={[
        { header: 'Parameter', cell: (p) => p.name },
        { header: 'Set point', cell: (p) => <Value value={p.setPoint} unit={p.unit} /> },
        { header: 'Lowest validated', cell: (p) => <Value value={p.low} unit={p.unit} /> },
        { header: 'Highest validated', cell: (p) => <Value value={p.high} unit={p.unit} /> },
        {
          header: 'Critical',
          cell: (p) => (p.critical ? <Badge tone="warn">Critical: two approvers</Badge> : 'No'),
        },
      ]}
      empty={{ title: 'No parameters', hint: 'This version defines no parameters.' }}
    />
  );
}

/** The watermark of an audited read: who read the values and when, so a copy names its reader. */
export function Watermark({
  watermark,
}: {
  watermark: { reader: string; at: string; fingerprint: string; notice: string };
}) {
  return (
    <p className="watermark" role="note">
      {watermark.notice} Read by {watermark.reader} at {watermark.at}; fingerprint {watermark.fingerprint}. This read is
      in the audit trail.
    </p>
  );
}

/** The manifestation of each electronic signature on a version: printed name, meaning, time (21 CFR 11.50). */
export function Signatures({ v }: { v: VersionSummary }) {
  if (v.approvals.length === 0)
    return <span>{v.state === 'in-review' ? `none yet (${v.approvalsRequired ?? 1} needed)` : '—'}</span>;
  return (
    <ul className="signatures">
      {v.approvals.map((a) => (
        <li key={`${a.signer}-${a.at}`}>
          Signed by {signerText(a)}, meaning: {a.meaning}, at <When at={a.at} />
        </li>
      ))}
    </ul>
  );
}
