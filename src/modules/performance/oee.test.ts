import { describe, expect, it } from 'vitest';
import { computeOee, downtimePareto, type StateInterval } from './oee.js';

const MIN = 60_000;
const at = (minute: number) => Date.UTC(2026, 0, 5, 6, 0) + minute * MIN;

/**
 * The worked example of oee.com ("OEE calculation"): an 8-hour shift (480 min) with two 15-minute breaks and a
 * 30-minute meal (planned stops), 47 minutes of down time, ideal cycle time 1.0 s, 19,271 parts of which 423
 * rejected. Published: availability 88.81 %, performance 86.11 %, quality 97.80 %, OEE 74.79 %.
 */
describe('OEE against a worked example', () => {
  const shift: StateInterval[] = [
    { state: 'running', from: at(0), to: at(120) },
    { state: 'planned-stop', from: at(120), to: at(135) },
    { state: 'running', from: at(135), to: at(200) },
    { state: 'down', category: 'breakdown', reason: 'jam at infeed', from: at(200), to: at(230) },
    { state: 'running', from: at(230), to: at(240) },
    { state: 'planned-stop', from: at(240), to: at(270) },
    { state: 'running', from: at(270), to: at(360) },
    { state: 'planned-stop', from: at(360), to: at(375) },
    { state: 'down', category: 'setup', reason: 'changeover', from: at(375), to: at(392) },
    { state: 'running', from: at(392), to: at(480) },
  ];
  const counts = [{ total: 19_271, good: 18_848, idealCycleSeconds: 1.0 }];

  it('gives the published availability, performance, quality and OEE', () => {
    const result = computeOee(shift, counts, at(0), at(480));
    expect(result.plannedMinutes).toBe(420);
    expect(result.runMinutes).toBe(373);
    expect([result.unknownMinutes, result.unratedParts, result.warnings]).toEqual([0, 0, []]);
    expect(result.availability).toBeCloseTo(0.8881, 4);
    expect(result.performance).toBeCloseTo(0.8611, 4);
    expect(result.quality).toBeCloseTo(0.978, 4);
    expect(result.oee).toBeCloseTo(0.7479, 4);
    // OEE is also good count × ideal cycle time / planned production time:
    expect(result.oee).toBeCloseTo((18_848 * 1.0) / (420 * 60), 10);
    expect(result.teep).toBeCloseTo((18_848 * 1.0) / (480 * 60), 10);
  });

  it('splits the lost time into the six big losses, which add up to planned minus fully productive time', () => {
    const { losses, plannedMinutes } = computeOee(shift, counts, at(0), at(480));
    expect(losses.breakdowns).toBe(30);
    expect(losses.setupAndAdjustments).toBe(17);
    expect(losses.productionRejects).toBeCloseTo(423 / 60, 10);
    const lost = Object.values(losses).reduce((s: number, v) => s + v!, 0);
    expect(lost).toBeCloseTo(plannedMinutes - 18_848 / 60, 10);
  });

  it('clips intervals to the window and ranks down time by reason', () => {
    const firstHalf = computeOee(shift, [], at(0), at(240));
    expect(firstHalf.plannedMinutes).toBe(225);
    expect(firstHalf.downMinutes).toBe(30);
    const silent = computeOee([], [], at(0), at(480));
    // No data is neither 100 % available nor a loss: nothing is known, so there is nothing to compute.
    expect([silent.unknownMinutes, silent.plannedMinutes, silent.availability, silent.oee]).toEqual([
      480,
      0,
      null,
      null,
    ]);
    const pareto = downtimePareto(
      [...shift, { state: 'down', reason: 'jam at infeed', from: at(500), to: at(510) }],
      at(0),
      at(600),
    );
    expect(pareto).toEqual([
      { reason: 'jam at infeed', minutes: 40, stops: 2, cumulativeShare: 40 / 57 },
      { reason: 'changeover', minutes: 17, stops: 1, cumulativeShare: 1 },
    ]);
  });
});

describe('OEE with gaps in the data', () => {
  it('reports time without a state, and unknown or disconnected time, apart from planned time and losses', () => {
    const intervals: StateInterval[] = [
      { state: 'running', from: at(0), to: at(60) },
      // nothing recorded from 60 to 90
      { state: 'down', reason: 'jam', from: at(90), to: at(100) },
      { state: 'disconnected', from: at(100), to: at(130) },
      { state: 'running', from: at(130), to: at(170) },
      { state: 'unknown', from: at(170), to: at(180) },
    ];
    const result = computeOee(intervals, [{ total: 100, good: 100, idealCycleSeconds: 30 }], at(0), at(180));
    expect(result.unknownMinutes).toBe(30 + 30 + 10);
    expect(result.plannedMinutes).toBe(180 - 70);
    expect([result.runMinutes, result.downMinutes]).toEqual([100, 10]);
    expect(result.availability).toBeCloseTo(100 / 110, 10); // only the jam is an availability loss
    expect(result.performance).toBeCloseTo(50 / 100, 10);
    expect(result.teep).toBeCloseTo(result.oee!, 10); // no planned stop: all known time was planned
    expect(result.warnings).toEqual([expect.stringContaining('70.0 min without data')]);
  });

  it('counts parts without an ideal cycle time but gives no performance, OEE or TEEP for them', () => {
    const intervals: StateInterval[] = [{ state: 'running', from: at(0), to: at(60) }];
    const counts = [
      { total: 50, good: 45, idealCycleSeconds: 30 },
      { total: 20, good: 20, idealCycleSeconds: null },
    ];
    const result = computeOee(intervals, counts, at(0), at(60));
    expect([result.total, result.good, result.unratedParts]).toEqual([70, 65, 20]);
    expect([result.availability, result.performance, result.oee, result.teep]).toEqual([1, null, null, null]);
    expect(result.quality).toBeCloseTo(65 / 70, 10);
    expect(result.losses.reducedSpeed).toBeNull();
    expect(result.warnings).toEqual([expect.stringContaining('20 parts without an ideal cycle time')]);
  });
});
