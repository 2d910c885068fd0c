/**
 * A virtual machine for demos and load: it runs at its cycle time with some jitter, makes scrap now and
 * then, idles for short waits, breaks down (mean time between failures) and is repaired (mean time to
 * repair), and stops for planned breaks. Deterministic for a seed, so a demo looks the same every time.
 */

export type SimulatedState = 'running' | 'idle' | 'down' | 'planned-stop';

export interface MachineProfile {
  name: string;
  idealCycleSeconds: number;
  /** How much slower than ideal it runs on average (1.1 = 10 % slower). */
  speedFactor: number;
  scrapRate: number;
  mtbfMinutes: number;
  mttrMinutes: number;
  faults: string[];
  /**
   * The first stop, at a time set in advance instead of drawn: a demo shows a breakdown (and its reason on
   * the down-time chart) within its first minutes, where a real mean time between failures would take hours.
   */
  firstStop?: { afterSeconds: number; fault: string };
  /** Process set points the machine holds (name → value): written by Bastion's downloads or at the panel. */
  setPoints?: Record<string, number>;
}

export interface MachineSnapshot {
  state: SimulatedState;
  fault: string | null;
  total: number;
  good: number;
  temperature: number;
  setPoints: Record<string, number>;
}

/** mulberry32: a small, fast, seedable generator; quality is ample for a simulation. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const exponential = (random: () => number, mean: number) => -Math.log(1 - random()) * mean;

export class SimulatedMachine {
  private state: SimulatedState = 'running';
  private fault: string | null = null;
  private stateLeftSeconds: number;
  private cycleProgress = 0;
  private total = 0;
  private good = 0;
  private temperature = 40;
  private readonly setPoints: Record<string, number>;
  private plannedFault: string | undefined;

  constructor(
    readonly profile: MachineProfile,
    private readonly random: () => number,
  ) {
    this.stateLeftSeconds = profile.firstStop?.afterSeconds ?? exponential(random, profile.mtbfMinutes * 60);
    this.plannedFault = profile.firstStop?.fault;
    this.setPoints = { ...profile.setPoints };
  }

  /** Changes a set point the machine knows (from a download, or by hand at the panel); others are ignored. */
  write(name: string, value: number): boolean {
    if (!(name in this.setPoints) || !Number.isFinite(value)) return false;
    this.setPoints[name] = value;
    return true;
  }

  /** Advances the machine by `seconds` of plant time and returns what its sensors would report. */
  step(seconds: number): MachineSnapshot {
    let left = seconds;
    while (left > 0) {
      const slice = Math.min(left, this.stateLeftSeconds);
      if (this.state === 'running') this.produce(slice);
      this.stateLeftSeconds -= slice;
      left -= slice;
      if (this.stateLeftSeconds <= 0) this.nextState();
    }
    const target = this.state === 'running' ? 72 : 45;
    this.temperature += (target - this.temperature) * Math.min(1, seconds / 120) + (this.random() - 0.5) * 0.4;
    return this.snapshot();
  }

  snapshot(): MachineSnapshot {
    const temperature = Math.round(this.temperature * 10) / 10;
    return {
      state: this.state,
      fault: this.fault,
      total: this.total,
      good: this.good,
      temperature,
      setPoints: { ...this.setPoints },
    };
  }

  private produce(seconds: number) {
    const cycle = this.profile.idealCycleSeconds * this.profile.speedFactor * (0.95 + this.random() * 0.1);
    this.cycleProgress += seconds / cycle;
    while (this.cycleProgress >= 1) {
      this.cycleProgress -= 1;
      this.total += 1;
      if (this.random() >= this.profile.scrapRate) this.good += 1;
    }
  }

  /** Running ends in a breakdown (or, one time in four, a short wait); every stop ends in running again. */
  private nextState() {
    const { mtbfMinutes, mttrMinutes, faults } = this.profile;
    if (this.state !== 'running') {
      this.state = 'running';
      this.fault = null;
      this.stateLeftSeconds = exponential(this.random, mtbfMinutes * 60);
    } else if (this.plannedFault !== undefined) {
      this.state = 'down';
      this.fault = this.plannedFault;
      this.plannedFault = undefined;
      this.stateLeftSeconds = exponential(this.random, mttrMinutes * 60);
    } else if (this.random() < 0.25) {
      this.state = 'idle';
      this.stateLeftSeconds = 20 + this.random() * 100;
    } else {
      this.state = 'down';
      this.fault = faults[Math.floor(this.random() * faults.length)] ?? 'fault';
      this.stateLeftSeconds = exponential(this.random, mttrMinutes * 60);
    }
  }
}
