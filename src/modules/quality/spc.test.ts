import { describe, expect, it } from 'vitest';
import { controlChart, westernElectric } from './spc.js';

/**
 * Montgomery, Introduction to Statistical Quality Control, Example 6.1 (Tables 6.1 and 6.2): inside diameters of
 * forged piston rings, 25 preliminary samples of 5 (phase I) and 15 later samples (phase II).
 */
const pistonRings = [
  [74.03, 74.002, 74.019, 73.992, 74.008],
  [73.995, 73.992, 74.001, 74.011, 74.004],
  [73.988, 74.024, 74.021, 74.005, 74.002],
  [74.002, 73.996, 73.993, 74.015, 74.009],
  [73.992, 74.007, 74.015, 73.989, 74.014],
  [74.009, 73.994, 73.997, 73.985, 73.993],
  [73.995, 74.006, 73.994, 74.0, 74.005],
  [73.985, 74.003, 73.993, 74.015, 73.988],
  [74.008, 73.995, 74.009, 74.005, 74.004],
  [73.998, 74.0, 73.99, 74.007, 73.995],
  [73.994, 73.998, 73.994, 73.995, 73.99],
  [74.004, 74.0, 74.007, 74.0, 73.996],
  [73.983, 74.002, 73.998, 73.997, 74.012],
  [74.006, 73.967, 73.994, 74.0, 73.984],
  [74.012, 74.014, 73.998, 73.999, 74.007],
  [74.0, 73.984, 74.005, 73.998, 73.996],
  [73.994, 74.012, 73.986, 74.005, 74.007],
  [74.006, 74.01, 74.018, 74.003, 74.0],
  [73.984, 74.002, 74.003, 74.005, 73.997],
  [74.0, 74.01, 74.013, 74.02, 74.003],
  [73.988, 74.001, 74.009, 74.005, 73.996],
  [74.004, 73.999, 73.99, 74.006, 74.009],
  [74.01, 73.989, 73.99, 74.009, 74.014],
  [74.015, 74.008, 73.993, 74.0, 74.01],
  [73.982, 73.984, 73.995, 74.017, 74.013],
  [74.012, 74.015, 74.03, 73.986, 74.0],
  [73.995, 74.01, 73.99, 74.015, 74.001],
  [73.987, 73.999, 73.985, 74.0, 73.99],
  [74.008, 74.01, 74.003, 73.991, 74.006],
  [74.003, 74.0, 74.001, 73.986, 73.997],
  [73.994, 74.003, 74.015, 74.02, 74.004],
  [74.008, 74.002, 74.018, 73.995, 74.005],
  [74.001, 74.004, 73.99, 73.996, 73.998],
  [74.015, 74.0, 74.016, 74.025, 74.0],
  [74.03, 74.005, 74.0, 74.016, 74.012],
  [74.001, 73.99, 73.995, 74.01, 74.024],
  [74.015, 74.02, 74.024, 74.005, 74.019],
  [74.035, 74.01, 74.012, 74.015, 74.026],
  [74.017, 74.013, 74.036, 74.025, 74.026],
  [74.01, 74.005, 74.029, 74.0, 74.02],
];

describe('SPC against a textbook example (Montgomery, Example 6.1)', () => {
  it('X̄/R limits from the 25 phase I samples match the published ones, and phase I is in control', () => {
    const phase1 = controlChart(pistonRings.slice(0, 25));
    expect(phase1.kind).toBe('xbar-r');
    // Published: x̿ = 74.001, R̄ = 0.023, UCL = 74.014, LCL = 73.988 (x̄ chart); UCL = 0.048, LCL = 0 (R chart).
    expect(phase1.location.center).toBeCloseTo(74.001, 3);
    expect(phase1.location.upper).toBeCloseTo(74.014, 3);
    expect(phase1.location.lower).toBeCloseTo(73.988, 3);
    expect(phase1.dispersion.center).toBeCloseTo(0.023, 3);
    expect(phase1.dispersion.upper).toBeCloseTo(0.048, 3);
    expect(phase1.dispersion.lower).toBe(0);
    expect(phase1.points[0]!.location).toBeCloseTo(74.0102, 4); // sample 1's mean in Table 6.1
    expect(phase1.points[0]!.dispersion).toBeCloseTo(0.038, 6);
    expect(phase1.violations).toEqual([]);
  });

  it('phase II samples judged against the phase I limits: 37, 38 and 39 beyond the UCL, plus the run rules', () => {
    const chart = controlChart(pistonRings, 25);
    const beyond = chart.violations.filter((v) => v.rule === 1).map((v) => v.point);
    expect(beyond).toEqual([37, 38, 39]); // as in the book's Figure 6.5
    // By hand, σx̄ = (UCL − x̿)/3 = 0.004378: 2σ above = 74.00993, 1σ above = 74.00555.
    // Samples 34 and 35 (74.0112, 74.0126) are two of three beyond 2σ: rule 2 at 35.
    // Samples 31, 32, 34, 35 (74.0072, 74.0056, 74.0112, 74.0126) are four of five beyond 1σ: rule 3 at 35.
    const at35 = chart.violations.filter((v) => v.point === 35).map((v) => v.rule);
    expect(at35).toEqual([2, 3]);
    expect(chart.violations.every((v) => v.side === 'above' && v.chart === 'location')).toBe(true);
    expect(chart.violations.some((v) => v.point <= 25)).toBe(false);
  });
});

describe('Western Electric rules, one at a time (center 0, σ 1)', () => {
  const limits = { center: 0, upper: 3, lower: -3 };
  const rulesAt = (values: number[]) => westernElectric(values, limits).map((v) => [v.rule, v.point, v.side]);

  it('rule 1: a point beyond 3σ', () => {
    expect(rulesAt([0.5, -3.2, 0.1])).toEqual([[1, 2, 'below']]);
    expect(rulesAt([0.5, 3, 0.1])).toEqual([]); // on the limit is not beyond it
  });
  it('rule 2: two of three beyond 2σ on the same side', () => {
    expect(rulesAt([2.5, 0.3, 2.1])).toEqual([[2, 3, 'above']]);
    expect(rulesAt([2.5, -2.5, 0.1])).toEqual([]); // opposite sides
  });
  it('rule 3: four of five beyond 1σ on the same side', () => {
    expect(rulesAt([-1.5, -1.2, 0, -1.1, -1.9])).toEqual([[3, 5, 'below']]);
    expect(rulesAt([-1.5, -1.2, 0, 0.2, -1.9])).toEqual([]);
  });
  it('rule 4: eight in a row on one side of the center line', () => {
    expect(rulesAt([0.2, 0.4, 0.1, 0.3, 0.5, 0.2, 0.1, 0.6, 0.3])).toEqual([
      [4, 8, 'above'],
      [4, 9, 'above'],
    ]);
    expect(rulesAt([0.2, 0.4, 0.1, -0.3, 0.5, 0.2, 0.1, 0.6])).toEqual([]);
  });

  it('individuals chart: limits from the average moving range (x̄ ± 2.66 MR̄, UCL(MR) = 3.267 MR̄)', () => {
    const chart = controlChart([[10], [12], [11], [13], [12]]);
    // moving ranges 2, 1, 2, 1: MR̄ = 1.5; x̄ = 11.6
    expect(chart.kind).toBe('individuals-mr');
    expect(chart.location.center).toBeCloseTo(11.6, 10);
    expect(chart.location.upper).toBeCloseTo(11.6 + 2.66 * 1.5, 10);
    expect(chart.dispersion.upper).toBeCloseTo(3.267 * 1.5, 10);
    expect(chart.points[0]!.dispersion).toBeNull();
  });

  it('refuses ragged or oversized subgroups', () => {
    expect(() => controlChart([[1, 2], [3]])).toThrow(RangeError);
    expect(() => controlChart([Array.from({ length: 11 }, () => 1), Array.from({ length: 11 }, () => 1)])).toThrow(
      RangeError,
    );
  });
});
