import type { BatchRecordExport } from './batch-record-export.js';
import type { BatchRecord } from './batch-record-model.js';
import { fields, heading, lines, mono, newDocument, table, toBuffer, type Doc } from './pdf-layout.js';

const num = (n: number) => String(n);
const when = (iso: string | null) => (iso !== null && iso !== '' ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '—');

/**
 * The batch record as a PDF a person can read. It is a rendering of the sealed JSON, not the sealed object:
 * the footer prints the record's digest and signature, which are checked against the JSON export.
 */
export function renderBatchRecordPdf(exported: BatchRecordExport): Promise<Buffer> {
  const { record } = exported;
  const who = (id: string) => {
    const name = exported.names?.[id];
    return name !== undefined && name !== '' ? `${name} (${id})` : id;
  };
  const doc = newDocument(`Batch record ${record.order.number}`);
  header(doc, exported, who);
  orderSection(doc, record);
  recipeSection(doc, record, who);
  heading(doc, 'Parameter deviations');
  table(
    doc,
    cols(['Parameter', 110], ['Kind', 70], ['Value', 50], ['Low', 45], ['High', 45], ['Critical', 40], ['At', 135]),
    record.deviations.map((d) => [
      d.parameter,
      d.kind,
      num(d.value),
      num(d.low),
      num(d.high),
      d.critical ? 'yes' : 'no',
      when(d.at),
    ]),
    'No deviation was recorded.',
  );
  lotSections(doc, record);
  qualitySection(doc, record, who);
  signatureSection(doc, record, who);
  heading(doc, 'Record seal');
  fields(doc, [
    ['Seal intact', exported.intact ? 'yes: the stored record matches its seal' : 'NO: the record was changed'],
  ]);
  mono(doc, 'SHA-256 digest', exported.seal.digest);
  mono(doc, 'Signature (Ed25519)', exported.seal.signature);
  mono(doc, 'Key id', exported.seal.keyId);
  return toBuffer(doc);
}

const cols = (...spec: [string, number][]) => spec.map(([title, width]) => ({ title, width }));

function header(doc: Doc, exported: BatchRecordExport, who: (id: string) => string): void {
  const { record, watermark } = exported;
  doc.font('Helvetica-Bold').fontSize(18).text(`Electronic batch record — ${record.order.number}`);
  doc.font('Helvetica').fontSize(8).fillColor('#a00000');
  doc.text(
    `${watermark.notice} Exported for ${watermark.reader} at ${when(watermark.at)}; fingerprint ${watermark.fingerprint}.`,
  );
  doc.fillColor('black').moveDown(0.5);
  fields(doc, [
    ['Revision', num(record.revision)],
    ['Generated', `${when(record.generatedAt)} by ${who(record.generatedBy)}`],
  ]);
}

function orderSection(doc: Doc, record: BatchRecord): void {
  const o = record.order;
  heading(doc, 'Work order');
  fields(doc, [
    ['Order', `${o.number} (${o.state})`],
    ['Product', `${o.product} — ${o.productName}`],
    ['Quantity', `${num(o.quantity)} ordered; ${num(o.good)} good, ${num(o.scrap)} scrap`],
    ['Line', o.line ?? '—'],
    ['ERP reference', o.erpReference ?? '—'],
    ['Created / closed', `${when(o.createdAt)} / ${when(o.closedAt)}`],
  ]);
  doc.moveDown(0.4);
  table(
    doc,
    cols(
      ['Seq', 30],
      ['Operation', 85],
      ['Work cell', 110],
      ['Good', 40],
      ['Scrap', 35],
      ['Started', 98],
      ['Completed', 97],
    ),
    o.operations.map((op) => [
      num(op.sequence),
      op.name,
      op.workCell,
      num(op.good),
      num(op.scrap),
      when(op.startedAt),
      when(op.completedAt),
    ]),
  );
}

function recipeSection(doc: Doc, record: BatchRecord, who: (id: string) => string): void {
  heading(doc, 'Control recipe');
  if (record.controlRecipes.length === 0) lines(doc, [], 'No control recipe was issued to this order.');
  for (const c of record.controlRecipes) {
    fields(doc, [
      ['Recipe', `${c.recipe} version ${c.version} — ${c.name} (now ${c.versionState})`],
      ['Issued', `${when(c.issuedAt)} by ${who(c.issuedBy)}`],
      ['Seal verifies', c.sealIntact ? 'yes' : 'NO: the version no longer matches its seal'],
    ]);
    mono(doc, 'Seal digest', c.sealDigest);
    doc.moveDown(0.3);
  }
}

function lotSections(doc: Doc, record: BatchRecord): void {
  heading(doc, 'Lots consumed');
  table(
    doc,
    cols(
      ['Lot', 80],
      ['Material', 65],
      ['Quantity', 60],
      ['Supplier', 80],
      ['Supplier lot', 70],
      ['Into', 70],
      ['Op', 70],
    ),
    record.lots.consumed.map((l) => [
      l.lot,
      l.material,
      `${num(l.quantity)} ${l.unit}`,
      l.supplier ?? '—',
      l.supplierLot ?? '—',
      l.into,
      l.operation === null ? '—' : num(l.operation),
    ]),
  );
  heading(doc, 'Lots produced');
  table(
    doc,
    cols(['Lot', 110], ['Material', 90], ['Quantity', 90], ['State', 70], ['Created', 135]),
    record.lots.produced.map((l) => [l.lot, l.material, `${num(l.quantity)} ${l.unit}`, l.state, when(l.createdAt)]),
  );
}

function qualitySection(doc: Doc, record: BatchRecord, who: (id: string) => string): void {
  heading(doc, 'Quality results');
  // Two lines per inspection, so that an inspector's id is never broken across lines.
  lines(
    doc,
    record.quality.flatMap((q) => [
      `${q.plan} v${q.planVersion}${q.lot !== null && q.lot !== '' ? ` on lot ${q.lot}` : ' on the order'}: ${q.result.toUpperCase()}` +
        (q.failedCharacteristics.length > 0 ? ` (failed: ${q.failedCharacteristics.join(', ')})` : ''),
      `    inspected ${when(q.inspectedAt)} by ${who(q.inspectedBy)}`,
    ]),
    'No inspection was recorded.',
  );
}

function signatureSection(doc: Doc, record: BatchRecord, who: (id: string) => string): void {
  heading(doc, 'Signatures: recipe approvals');
  lines(
    doc,
    record.signatures.approvals.map(
      (a) => `${a.recipe} v${a.version} ${a.meaning} by ${who(a.approverId)} at ${when(a.approvedAt)}`,
    ),
    'No approval signature.',
  );
  heading(doc, 'Commands on the order (audit log)');
  lines(
    doc,
    record.signatures.commands.map((c) => `#${c.seq} ${when(c.at)} ${c.action} by ${who(c.actorId)}`),
    'No audited command.',
  );
}
