import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHttpApp } from '../src/http/app.js';
import { createTestBastion, type TestBastion } from './support/bastion.js';
import { testDialect } from './support/database.js';
import { adminSession, type Session } from './support/http.js';
import { seedPlant } from './support/plant.js';

const PDF = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer <<>>\n%%EOF\n');
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(16)]);
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(16)]);
const TEXT = Buffer.from('1. Torque to 25 Nm\n2. Mark the bolt\n');

const ACTIVE = 'html htm hta bat cmd exe js mjs svg ps1 vbs sh jar msi com scr dll'.split(' ');

// Issue 10, item 6: the extension must match the detected type, active content is refused by name, names are normalised.
describe(`work-instruction attachments (${testDialect})`, () => {
  let t: TestBastion;
  let app: FastifyInstance;
  let admin: Session;
  let version: number;

  beforeAll(async () => {
    t = await createTestBastion();
    app = await buildHttpApp(t.bastion);
    admin = await adminSession(app, t);
    await seedPlant(t.bastion);
    await post('/api/materials', { code: 'BIKE', name: 'bike', kind: 'finished', unit: 'pcs' });
    await post('/api/materials', { code: 'FRAME', name: 'frame', kind: 'intermediate', unit: 'pcs' });
    const draft = await post('/api/products/versions', {
      product: 'BIKE',
      bom: [{ material: 'FRAME', quantity: 1, unit: 'pcs' }],
      routing: [
        {
          sequence: 10,
          name: 'Op 10',
          workCell: '/site-1/area-1/line-1',
          standardCycleSeconds: 60,
          idealCycleSeconds: 45,
        },
      ],
      reason: 'attachments',
    });
    version = draft.json<{ version: number }>().version;
  });
  afterAll(async () => {
    await app.close();
    await t.destroy();
  });

  function post(url: string, payload: object) {
    return app.inject({ method: 'POST', url, headers: admin.headers, payload });
  }
  const attach = (filename: string, mediaType: string, content: Buffer) =>
    post('/api/products/versions/attachments', {
      product: 'BIKE',
      version,
      operation: 10,
      filename,
      mediaType,
      content: content.toString('base64'),
    });

  it('refuses executables and active content by extension whatever their first bytes', async () => {
    for (const extension of ACTIVE) {
      for (const [mediaType, content] of [
        ['application/pdf', PDF],
        ['text/plain', TEXT],
      ] as const) {
        const response = await attach(`instructions.${extension}`, mediaType, content);
        expect(response.statusCode, `.${extension} as ${mediaType}`).toBe(400);
        expect(response.json()).toMatchObject({
          errors: [{ path: '/filename', message: expect.stringContaining(`.${extension}`) }],
        });
      }
    }
    expect((await attach('manual.pdf.exe', 'application/pdf', PDF)).statusCode).toBe(400);
    expect((await attach('SETUP.EXE', 'application/pdf', PDF)).statusCode).toBe(400);
  });

  it("refuses a name whose extension does not match the file's detected type", async () => {
    const cases: [string, string, Buffer][] = [
      ['manual.png', 'application/pdf', PDF],
      ['picture.pdf', 'image/png', PNG],
      ['photo.png', 'image/jpeg', JPEG],
      ['notes.pdf', 'text/plain', TEXT],
      ['no-extension', 'application/pdf', PDF],
    ];
    for (const [filename, mediaType, content] of cases) {
      const response = await attach(filename, mediaType, content);
      expect(response.statusCode, filename).toBe(400);
      expect(response.json(), filename).toMatchObject({ errors: [{ path: '/filename' }] });
    }
    // Declared PDF, content PNG: the content is checked too.
    expect((await attach('picture.pdf', 'application/pdf', PNG)).json()).toMatchObject({
      errors: [{ path: '/content' }],
    });
    for (const [filename, mediaType, content] of [
      ['Photo.JPG', 'image/jpeg', JPEG],
      ['photo.jpeg', 'image/jpeg', JPEG],
      ['steps.txt', 'text/plain', TEXT],
      ['diagram.png', 'image/png', PNG],
    ] as const)
      expect((await attach(filename, mediaType, content)).statusCode, filename).toBe(200);
  });

  it('stores names in NFC without their path, serves them as a download, and refuses unsafe names', async () => {
    const decomposed = 'C:\\Users\\eng\\Drehmoment-U\u0308bersicht.pdf';
    const added = await attach(decomposed, 'application/pdf', PDF);
    expect(added.statusCode, added.body).toBe(200);
    const { id, filename } = added.json<{ id: string; filename: string }>();
    expect(filename).toBe('Drehmoment-\u00dcbersicht.pdf');
    const download = await app.inject({ url: `/api/attachments/${id}`, headers: admin.headers });
    expect(download.headers['content-disposition']).toBe(
      `attachment; filename="Drehmoment-_bersicht.pdf"; filename*=UTF-8''Drehmoment-%C3%9Cbersicht.pdf`,
    );
    expect((await attach('../../../var/www/torque.pdf', 'application/pdf', PDF)).json()).toMatchObject({
      filename: 'torque.pdf',
    });

    const refused = [
      'line\nbreak.pdf', // newline: allowed in free text, never in a file name
      'tab\there.pdf',
      'invisible\u200bspace.pdf', // zero-width space (a formatting character)
      'rlm\u200fmark.pdf',
      'stream.pdf:evil.exe',
      'quote".pdf',
      'trailing.pdf.',
      `${'a'.repeat(117)}.pdf`,
      '../..',
    ];
    for (const name of refused) {
      const response = await attach(name, 'application/pdf', PDF);
      expect(response.statusCode, JSON.stringify(name)).toBe(400);
      expect(response.json(), JSON.stringify(name)).toMatchObject({ errors: [{ path: '/filename' }] });
    }
  });
});
