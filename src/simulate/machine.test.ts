import { describe, expect, it } from 'vitest';
import { seeded, SimulatedMachine, type MachineProfile } from './machine.js';

const press: MachineProfile = {
  name: 'press',
  idealCycleSeconds: 2,
  speedFactor: 1.1,
  scrapRate: 0.02,
  mtbfMinutes: 45,
  mttrMinutes: 6,
  faults: ['jam at infeed', 'hydraulic pressure low'],
};

describe('simulated machine', () => {
  it('is deterministic for a seed, and behaves like a real one over a long run', () => {
    const run = (seed: number) => {
      const machine = new SimulatedMachine(press, seeded(seed));
      const seen = new Map<string, number>();
      let last = machine.snapshot();
      for (let second = 0; second < 8 * 3600; second += 5) {
        last = machine.step(5);
        seen.set(last.state, (seen.get(last.state) ?? 0) + 5);
      }
      return { last, seen };
    };
    const a = run(7);
    expect(run(7)).toEqual(a);
    expect(run(8).last).not.toEqual(a.last);
    const { last, seen } = a;
    // Eight hours at 2.2 s a part, less the stops: well above half the ideal count, never more than it.
    expect(last.total).toBeGreaterThan((8 * 3600) / 2 / 2);
    expect(last.total).toBeLessThanOrEqual((8 * 3600) / 2);
    expect(last.good / last.total).toBeGreaterThan(0.95);
    expect(last.good).toBeLessThan(last.total);
    expect(seen.get('down')).toBeGreaterThan(0);
    expect(seen.get('running')! / (8 * 3600)).toBeGreaterThan(0.7);
  });

  it('counts only while running', () => {
    const machine = new SimulatedMachine({ ...press, mtbfMinutes: 0.01, mttrMinutes: 1000 }, seeded(1));
    machine.step(60); // breaks down almost at once and stays down
    const before = machine.snapshot();
    expect(before.state).not.toBe('running');
    if (before.state === 'down') expect(before.fault).toMatch(/jam|hydraulic/);
    expect(machine.step(600).total).toBe(before.total);
  });

  it('breaks down first when its planned first stop says, with that fault, and runs again after the repair', () => {
    const machine = new SimulatedMachine(
      { ...press, mttrMinutes: 0.5, firstStop: { afterSeconds: 30, fault: 'die temperature low' } },
      seeded(2),
    );
    const before = machine.step(29);
    expect(before.state).toBe('running');
    expect(before.total).toBeGreaterThan(10); // 29 s at 2.2 s a part
    expect(machine.step(2)).toMatchObject({ state: 'down', fault: 'die temperature low' });
    let repaired = machine.snapshot();
    for (let s = 0; s < 3600 && repaired.state === 'down'; s += 5) repaired = machine.step(5);
    expect(repaired.state).toBe('running');
  });
});
