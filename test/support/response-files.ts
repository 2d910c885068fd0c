import { appendFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dedupeKey, type RecordSink, type ResponseRecord } from './response-recorder.js';
import type { OpenApiDocument } from './openapi-responses.js';

const documentFile = (hash: string) => `document-${hash}.json`;

/**
 * Records to `dir`: each document once, and each distinct response (see `dedupeKey`) as one NDJSON line in
 * this process's own file, so parallel workers never write to the same file.
 */
export function fileSink(dir: string, testFile: () => string | undefined): RecordSink {
  const seen = new Set<string>();
  const responses = join(dir, `responses-${process.pid}.ndjson`);
  return {
    document(hash, document) {
      const file = join(dir, documentFile(hash));
      if (!existsSync(file)) writeFileSync(file, JSON.stringify(document));
    },
    response(record) {
      const key = dedupeKey(record);
      if (seen.has(key)) return;
      seen.add(key);
      const file = testFile();
      appendFileSync(responses, JSON.stringify(file === undefined ? record : { ...record, testFile: file }) + '\n');
    },
  };
}

/** Everything the workers recorded in `dir`, responses deduplicated across workers. */
export function readRecorded(dir: string): { documents: Map<string, OpenApiDocument>; records: ResponseRecord[] } {
  const documents = new Map<string, OpenApiDocument>();
  const records = new Map<string, ResponseRecord>();
  for (const name of readdirSync(dir)) {
    const text = readFileSync(join(dir, name), 'utf8');
    const document = /^document-([0-9a-f]+)\.json$/.exec(name);
    if (document) documents.set(document[1]!, JSON.parse(text) as OpenApiDocument);
    if (!name.endsWith('.ndjson')) continue;
    for (const line of text.split('\n')) {
      if (line === '') continue;
      const record = JSON.parse(line) as ResponseRecord;
      records.set(dedupeKey(record), record);
    }
  }
  return { documents, records: [...records.values()] };
}
