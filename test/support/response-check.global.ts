import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { driftEntry, isExcused, ResponseValidator, type Mismatch } from './openapi-responses.js';
import { readRecorded } from './response-files.js';

const KNOWN_DRIFT = join(import.meta.dirname, 'openapi-known-drift.json');

function knownDrift(): Set<string> {
  return new Set((JSON.parse(readFileSync(KNOWN_DRIFT, 'utf8')) as { entries: string[] }).entries);
}

const line = (m: Mismatch) =>
  `  ${driftEntry(m)}: ${m.reason}\n    (${m.url}${m.testFile !== undefined && m.testFile !== '' ? `, ${m.testFile}` : ''})`;

export interface CheckResult {
  responses: number;
  documents: number;
  mismatches: Mismatch[];
  excused: Mismatch[];
}

/** Checks what the workers recorded in `dir`; mismatches that openapi-known-drift.json lists come back as excused. */
export function checkRecordedResponses(dir: string): CheckResult {
  const { documents, records } = readRecorded(dir);
  const allowed = knownDrift();
  const all = new ResponseValidator(documents).mismatches(records);
  return {
    responses: records.length,
    documents: documents.size,
    mismatches: all.filter((m) => !isExcused(m, allowed)),
    excused: all.filter((m) => isExcused(m, allowed)),
  };
}

/**
 * vitest globalSetup: gives the workers a directory to record responses in (response-recording.setup.ts), and
 * once every test file has run, checks each distinct response against the OpenAPI document of the app that
 * sent it. Drift sets the exit code, so `vitest run` fails whatever the tests did; and a teardown runs after the
 * last file by construction, which a test file could not promise, as vitest does not order files.
 */
export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'bastion-responses-'));
  project.provide('responseRecordDir', dir);
  return () => {
    const started = performance.now();
    const { responses, documents, mismatches, excused } = checkRecordedResponses(dir);
    const ms = Math.round(performance.now() - started);
    console.log(
      `OpenAPI response check: ${responses} distinct responses from ${documents} document(s), ` +
        `${mismatches.length} mismatch(es), ${excused.length} excused by openapi-known-drift.json (${ms} ms)`,
    );
    // Excused drift stays in sight, so the list shrinks rather than settles.
    for (const m of excused) console.log(`  excused: ${driftEntry(m)}: ${m.reason}`);
    if (mismatches.length === 0) {
      rmSync(dir, { recursive: true, force: true });
      return;
    }
    // vitest logs an error thrown here ("error during close") and still exits 0; an exit code is what it keeps.
    process.exitCode = 1;
    console.error(
      `${mismatches.length} response(s) disagree with the OpenAPI document (records kept in ${dir}):\n` +
        mismatches.map(line).join('\n'),
    );
  };
}
