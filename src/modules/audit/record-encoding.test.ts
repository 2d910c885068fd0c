import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, referenceCanonicalJson } from '../../kernel/canonical-json.js';
import { newId } from '../../kernel/ids.js';
import { encodeRecord, recordHash } from './record.js';
import { leafHash } from './merkle.js';

/** What an encoder makes of a value: its text, or the error it throws (class and message). */
function outcome(encode: (value: unknown) => string, value: unknown): string {
  try {
    return `text ${encode(value)}`;
  } catch (error) {
    return `throws ${(error as Error).constructor.name}: ${(error as Error).message}`;
  }
}

describe('an audit record is written in canonical JSON (RFC 8785), byte for byte what the reference encoder writes', () => {
  it('on the RFC 8785 section 3.2.2 example', () => {
    const input = JSON.parse(
      String.raw`{
        "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
        "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
        "literals": [null, true, false]
      }`,
    ) as unknown;
    expect(canonicalJson(input)).toBe(
      String.raw`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`,
    );
  });

  it('on the RFC 8785 section 3.2.3 key order, an array-index key ("1") among them', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    expect(canonicalJson(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('on keys JSON.stringify would reorder or assignment would swallow: "10" and "9", "__proto__"', () => {
    const value = JSON.parse('{"b":1,"10":2,"9":3,"__proto__":{"x":1},"a":[{"2":0,"10":1}]}') as unknown;
    expect(canonicalJson(value)).toBe(referenceCanonicalJson(value));
    expect(canonicalJson(value)).toBe('{"10":2,"9":3,"__proto__":{"x":1},"a":[{"10":1,"2":0}],"b":1}');
  });

  it('on audit records as the pipeline makes them, with and without optional fields', () => {
    const records = [
      {
        v: 1,
        seq: 42,
        id: newId(),
        ts: '2026-12-02T08:00:00.000Z',
        action: 'lot.create',
        outcome: 'success',
        actor: { kind: 'user', id: newId() },
        origin: { channel: 'http', address: '::1', requestId: newId(), idempotencyKey: undefined },
        target: { type: 'lot', id: newId() },
        details: { beforeDigest: null, afterDigest: 'ab'.repeat(32), quantity: 12.5, tags: ['a', 'b'] },
      },
      {
        v: 1,
        seq: 1,
        id: 'x',
        ts: 't',
        action: 'a',
        outcome: 'denied',
        actor: { kind: 'device', id: 'd' },
        reason: 'r',
      },
    ];
    for (const record of records) expect(canonicalJson(record)).toBe(referenceCanonicalJson(record));
  });

  it('on JSON values, doubles of every kind and strings of any code units (property)', () => {
    const values = fc.oneof(
      fc.jsonValue(),
      fc.double(),
      fc.string({ unit: 'binary' }),
      fc.string({ unit: fc.integer({ min: 0xd700, max: 0xe000 }).map((c) => String.fromCharCode(c)) }),
      fc.dictionary(fc.string({ unit: 'grapheme-composite' }), fc.jsonValue()),
      fc.dictionary(fc.string({ unit: 'binary' }), fc.oneof(fc.double(), fc.string({ unit: 'binary' }))),
      fc.dictionary(fc.nat().map(String), fc.jsonValue()),
    );
    fc.assert(
      fc.property(values, (value) => {
        expect(outcome(canonicalJson, value)).toBe(outcome(referenceCanonicalJson, value));
      }),
      { numRuns: 2000 },
    );
  });

  it('on anything JavaScript holds: sparse arrays, dates, maps, boxed values, null prototypes, bigints (property)', () => {
    const anything = fc.anything({
      withSparseArray: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withBoxedValues: true,
      withNullPrototype: true,
      withBigInt: true,
      withTypedArray: true,
      withObjectString: true,
    });
    fc.assert(
      fc.property(anything, (value) => {
        expect(outcome(canonicalJson, value)).toBe(outcome(referenceCanonicalJson, value));
      }),
      { numRuns: 2000 },
    );
  });

  it('on what the fast path hands to the reference: NaN, infinities, lone surrogates, toJSON, cycles, deep nesting', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const sparse: unknown[] = [];
    sparse[0] = 1;
    sparse[2] = 2;
    const withToJson = Object.assign([1, 2], { toJSON: () => 'replaced' });
    let deep: unknown = 0;
    for (let i = 0; i < 20_000; i++) deep = { d: deep };
    const values = [NaN, Infinity, 'a\ud800', { ['\udc00']: 1 }, undefined, sparse, cyclic, withToJson, deep];
    for (const value of values) expect(outcome(canonicalJson, value)).toBe(outcome(referenceCanonicalJson, value));
    expect(canonicalJson({ when: new Date(Date.UTC(2024, 0, 2)) })).toBe('{"when":"2024-01-02T00:00:00.000Z"}');
  });
});

describe('recordHash', () => {
  it('equals SHA-256(0x00 || previous || body) as leafHash computes it, for short, multi-byte and oversized bodies', () => {
    const previous = leafHash('genesis');
    const record = encodeRecord(
      { action: 'a', outcome: 'success', actor: { kind: 'user', id: 'u' }, origin: { channel: 'cli' } },
      1,
      'id',
      0,
    );
    for (const body of [record, 'é€😀'.repeat(1000), 'x'.repeat(70_000), ''])
      expect(recordHash(previous, body).toString('hex')).toBe(leafHash(previous, body).toString('hex'));
  });
});
