import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, referenceCanonicalJson } from './canonical-json.js';

const fromBits = (hex: string): number => Buffer.from(hex, 'hex').readDoubleBE(0);

describe('canonicalJson (RFC 8785)', () => {
  it('serializes the RFC 8785 section 3.2.2 example', () => {
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

  it('sorts keys by UTF-16 code units (RFC 8785 section 3.2.3)', () => {
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

  it('sorts nested objects, keeps array order, and writes no whitespace', () => {
    const value = { b: [3, 1, 2], a: { z: 1, y: { d: null, c: 'x' } }, A: true, '': 0 };
    expect(canonicalJson(value)).toBe('{"":0,"A":true,"a":{"y":{"c":"x","d":null},"z":1},"b":[3,1,2]}');
  });

  it.each([
    ['0000000000000000', '0'],
    ['8000000000000000', '0'], // -0
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ])('writes the IEEE-754 value %s as %s (RFC 8785 appendix B)', (bits, expected) => {
    expect(canonicalJson(fromBits(bits))).toBe(expected);
    expect(canonicalJson([fromBits(bits)])).toBe(`[${expected}]`);
  });

  it('writes number forms the ECMAScript way: 1e21, 1e20, -0, small fractions', () => {
    expect(canonicalJson({ n: 1e21 })).toBe('{"n":1e+21}');
    expect(canonicalJson({ n: 1e20 })).toBe('{"n":100000000000000000000}');
    expect(canonicalJson({ n: -0 })).toBe('{"n":0}');
    expect(canonicalJson(1e-7)).toBe('1e-7');
    expect(canonicalJson(0.1)).toBe('0.1');
    expect(canonicalJson(10.0)).toBe('10');
    expect(canonicalJson(-1.5e-10)).toBe('-1.5e-10');
  });

  it('refuses values JSON cannot represent', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow();
    expect(() => canonicalJson({ n: Number.POSITIVE_INFINITY })).toThrow();
    expect(() => canonicalJson([Number.NEGATIVE_INFINITY])).toThrow();
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
    expect(() => canonicalJson('\ud800')).toThrow(); // a lone surrogate
    expect(() => canonicalJson({ s: 'a\udc00b' })).toThrow();
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(() => canonicalJson(circular)).toThrow();
  });

  it('escapes only what JSON requires, in lower-case \\u form', () => {
    expect(canonicalJson('\u0000\u0001\u001f')).toBe('"\\u0000\\u0001\\u001f"');
    expect(canonicalJson('\b\t\n\f\r')).toBe('"\\b\\t\\n\\f\\r"');
    expect(canonicalJson('"\\/')).toBe('"\\"\\\\/"');
    expect(canonicalJson('\u007f\u00e9\u2028\u2029\ud83d\ude00')).toBe('"\u007f\u00e9\u2028\u2029\ud83d\ude00"');
  });

  it('drops undefined properties like JSON.stringify and turns undefined array items into null', () => {
    expect(canonicalJson({ a: 1, b: undefined })).toBe('{"a":1}');
    expect(canonicalJson([1, undefined, 2])).toBe('[1,null,2]');
    expect(canonicalJson({ when: new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6)) })).toBe(
      '{"when":"2024-01-02T03:04:05.006Z"}',
    );
  });

  it('is independent of key insertion order and round-trips through JSON.parse (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        // Parsing and re-serializing gives the same bytes, and matches a key-reversed copy.
        expect(canonicalJson(JSON.parse(text))).toBe(text);
        const reversed = (v: unknown): unknown =>
          Array.isArray(v)
            ? v.map(reversed)
            : typeof v === 'object' && v !== null
              ? Object.fromEntries(
                  Object.entries(v)
                    .reverse()
                    .map(([k, x]) => [k, reversed(x)]),
                )
              : v;
        expect(canonicalJson(reversed(value))).toBe(text);
        // Same data as JSON.stringify (apart from -0, which JSON.parse brings back as 0 anyway).
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 300 },
    );
  });
});

describe('canonicalJson refuses what JSON cannot hold', () => {
  it('throws on nested functions, symbols and bigints instead of writing invalid JSON', () => {
    expect(() => canonicalJson({ f: () => 1 })).toThrow(TypeError);
    expect(() => canonicalJson({ a: [() => 1, 2] })).toThrow(/value\.a\[0\]/);
    expect(() => canonicalJson({ s: Symbol('x') })).toThrow(TypeError);
    expect(() => canonicalJson({ n: { big: 1n } })).toThrow(/bigint/);
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
  });
});

/** What an encoder makes of a value: its text, or the error it throws (class and message). */
function outcome(encode: (value: unknown) => string, value: unknown): string {
  try {
    return `text ${encode(value)}`;
  } catch (error) {
    return `throws ${(error as Error).constructor.name}: ${(error as Error).message}`;
  }
}

describe('the fast encoder gives byte for byte what the reference (canonicalize) gives', () => {
  it('on JSON values, doubles of every kind and strings of any code units (property)', () => {
    const values = fc.oneof(
      fc.jsonValue(),
      fc.double(),
      fc.string({ unit: 'binary' }),
      fc.string({ unit: fc.integer({ min: 0xd700, max: 0xe000 }).map((c) => String.fromCharCode(c)) }),
      fc.dictionary(fc.string({ unit: 'grapheme-composite' }), fc.jsonValue()),
      fc.dictionary(fc.string({ unit: 'binary' }), fc.oneof(fc.double(), fc.string({ unit: 'binary' }))),
      // Index-like keys: JSON.stringify writes them first, whatever their insertion order.
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

  it('on what the reference refuses: NaN, infinities, lone surrogates in values and keys, undefined, cycles', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const sparse: unknown[] = [];
    sparse[0] = 1;
    sparse[2] = 2;
    for (const value of [NaN, Infinity, -Infinity, 'a\ud800', { ['\udc00']: 1 }, undefined, sparse, cyclic])
      expect(outcome(canonicalJson, value)).toBe(outcome(referenceCanonicalJson, value));
  });
  it('on keys JSON.stringify would reorder or assignment would swallow: "10" and "9", "__proto__"', () => {
    const value = JSON.parse('{"b":1,"10":2,"9":3,"__proto__":{"x":1},"a":[{"2":0,"10":1}]}') as unknown;
    expect(canonicalJson(value)).toBe(referenceCanonicalJson(value));
    expect(canonicalJson(value)).toBe('{"10":2,"9":3,"__proto__":{"x":1},"a":[{"10":1,"2":0}],"b":1}');
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
