import PDFDocument from 'pdfkit';

export type Doc = PDFKit.PDFDocument;
export interface Column {
  title: string;
  width: number;
}

const MARGIN = 50;
const ROW = 12;
/** WinAnsi, what the built-in PDF fonts can draw: Latin-1 and a few typographic marks. */
const DRAWABLE = /[^\x20-\x7e\xa0-\xff‘’“”•–—…€™]/g;

/** Text from the database may hold characters the built-in fonts cannot draw: show them as '?', never garble. */
export const safe = (text: string) => text.replace(DRAWABLE, '?');

export function newDocument(title: string): Doc {
  return new PDFDocument({ size: 'A4', margin: MARGIN, info: { Title: safe(title), Producer: 'Bastion' } });
}

/** Collects the document into one buffer. */
export function toBuffer(doc: Doc): Promise<Buffer> {
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  return new Promise((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.end();
  });
}

function room(doc: Doc, height: number): void {
  if (doc.y + height > doc.page.height - MARGIN) doc.addPage();
}

export function heading(doc: Doc, text: string): void {
  room(doc, 40);
  doc.moveDown(0.8).font('Helvetica-Bold').fontSize(12).text(safe(text), MARGIN);
  doc.moveDown(0.2).font('Helvetica').fontSize(9);
}

/** "Label: value" lines, labels aligned. */
export function fields(doc: Doc, pairs: [string, string][]): void {
  for (const [label, value] of pairs) {
    room(doc, ROW);
    const y = doc.y;
    doc.font('Helvetica-Bold').fontSize(9).text(safe(label), MARGIN, y, { width: 110, lineBreak: false });
    doc.font('Helvetica').text(safe(value), MARGIN + 115, y, { width: 380 });
  }
}

/** A fixed-digit value (digest, signature) in a monospaced font on a full-width line of its own, unbroken. */
export function mono(doc: Doc, label: string, value: string): void {
  room(doc, ROW * 3);
  doc.font('Helvetica-Bold').fontSize(9).text(safe(label), MARGIN);
  doc
    .font('Courier')
    .fontSize(7.5)
    .text(safe(value), MARGIN + 10, doc.y, { width: 485 });
  doc.font('Helvetica').fontSize(9).moveDown(0.3);
}

/** A simple table: a bold header row, then one line per row, cells cut with an ellipsis if too long. */
export function table(doc: Doc, columns: Column[], rows: string[][], empty = 'None.'): void {
  if (rows.length === 0) {
    doc.font('Helvetica-Oblique').fontSize(9).text(empty, MARGIN).font('Helvetica');
    return;
  }
  const line = (cells: string[], font: string) => {
    room(doc, ROW);
    const y = doc.y;
    let x = MARGIN;
    doc.font(font).fontSize(8);
    cells.forEach((cell, i) => {
      const width = columns[i]!.width;
      doc.text(safe(cell), x, y, { width: width - 4, lineBreak: false, ellipsis: true });
      x += width;
    });
    doc.x = MARGIN;
    doc.y = y + ROW;
  };
  line(
    columns.map((c) => c.title),
    'Helvetica-Bold',
  );
  for (const row of rows) line(row, 'Helvetica');
  doc.font('Helvetica').fontSize(9);
}

/** Free text lines (each may wrap), e.g. signatures that must show an id in full. */
export function lines(doc: Doc, texts: string[], empty = 'None.'): void {
  if (texts.length === 0) texts = [empty];
  doc.font('Helvetica').fontSize(8.5);
  for (const text of texts) {
    room(doc, ROW * 2);
    doc.text(safe(text), MARGIN, doc.y, { width: 495 });
  }
  doc.fontSize(9);
}
