import { describe, expect, it } from 'vitest';
import { EdgeState } from './edges.js';
import { interpret } from './interpret.js';
import { encodeSparkplug, MalformedPayload } from './payloads.js';
import { parseTopic, type Route } from './topics.js';

const clock = { now: Date.UTC(2026, 11, 1), window: { maxFutureMs: 60_000, maxAgeMs: 3_600_000 } };
const route = (topic: string): Route => parseTopic(topic)!;
const metric = (name: string, alias: number) => ({ name, alias, type: 'Int64' as const, value: 1 });
let seq = 0;
const birth = (metrics: ReturnType<typeof metric>[]) =>
  encodeSparkplug({ timestamp: clock.now, seq: seq++ % 256, metrics });

// Sparkplug B: a metric alias is unique across an edge node and all its devices (issue 12: a demo edge that
// reused aliases 1-5 on every machine sent every machine's values to the last one born).
describe('Sparkplug aliases are unique across the edge node', () => {
  it('refuses a device birth that reuses an alias another device of the node declared, and learns none of it', () => {
    seq = 0;
    const edge = new EdgeState();
    interpret('dev', route('spBv1.0/plant/NBIRTH/edge-1'), birth([metric('bdSeq', 0)]), edge, clock);
    interpret('dev', route('spBv1.0/plant/DBIRTH/edge-1/press'), birth([metric('Count/Total', 1)]), edge, clock);
    const clash = birth([metric('Count/Good', 2), metric('Count/Total', 1)]);
    expect(() => interpret('dev', route('spBv1.0/plant/DBIRTH/edge-1/roller'), clash, edge, clock)).toThrow(
      new MalformedPayload('alias 1 is already declared by press: aliases must be unique across the edge node'),
    );
    expect(edge.aliases.get(1)).toBe('press/Count/Total');
    expect(edge.aliases.has(2)).toBe(false);
  });

  it('accepts a device that births again with its own aliases, and a new node life that reassigns them', () => {
    seq = 0;
    const edge = new EdgeState();
    interpret('dev', route('spBv1.0/plant/NBIRTH/edge-1'), birth([metric('bdSeq', 0)]), edge, clock);
    interpret('dev', route('spBv1.0/plant/DBIRTH/edge-1/press'), birth([metric('State', 1)]), edge, clock);
    interpret('dev', route('spBv1.0/plant/DBIRTH/edge-1/press'), birth([metric('State', 1)]), edge, clock);
    expect(edge.aliases.get(1)).toBe('press/State');
    interpret('dev', route('spBv1.0/plant/NBIRTH/edge-1'), birth([metric('bdSeq', 0)]), edge, clock);
    interpret('dev', route('spBv1.0/plant/DBIRTH/edge-1/roller'), birth([metric('State', 1)]), edge, clock);
    expect(edge.aliases.get(1)).toBe('roller/State');
  });

  it('refuses a birth that declares one alias twice', () => {
    seq = 0;
    const edge = new EdgeState();
    interpret('dev', route('spBv1.0/plant/NBIRTH/edge-1'), birth([metric('bdSeq', 0)]), edge, clock);
    const twice = birth([metric('State', 3), metric('Fault', 3)]);
    expect(() => interpret('dev', route('spBv1.0/plant/DBIRTH/edge-1/press'), twice, edge, clock)).toThrow(
      /alias 3 is declared twice in one birth/,
    );
  });
});
