/** A message held until its device is back under its rate: `go` takes it, `drop` gives it up unacknowledged. */
export interface Held {
  go(): void;
  drop(): void;
}

interface Lane {
  /** The theoretical arrival time (GCRA) after the last message admitted or queued. */
  tat: number;
  queue: { slot: number; held: Held }[];
  timer?: NodeJS.Timeout;
}

/**
 * Paces each device to `perSecond` messages (GCRA: a burst of up to one second's worth at once, then one
 * message per 1/perSecond), by holding messages, never by dropping them: a held message is neither
 * interpreted nor acknowledged until its slot comes, so a fast device is slowed down (back-pressure) and a
 * broker's replay of a backlog is only spread out. Messages of one device keep their order (one queue per
 * device), which Sparkplug sequence numbers and aliases depend on.
 */
export class Pacer {
  private readonly lanes = new Map<string, Lane>();
  private readonly interval: number;

  // Real time, not the application clock: pacing is about how fast messages arrive (and tests that move
  // the application clock by hand must not stall it).
  constructor(
    perSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.interval = 1000 / perSecond;
  }

  /**
   * Takes the message at once ('now'), holds it ('held'), or refuses it ('refused') when the device already
   * has more than `maxWaitMs` of messages waiting: nothing is reserved then.
   */
  admit(device: string, held: Held, maxWaitMs = Infinity): 'now' | 'held' | 'refused' {
    const at = this.now();
    const lane = this.lanes.get(device) ?? { tat: at, queue: [] };
    const tat = Math.max(lane.tat, at) + this.interval;
    const slot = tat - 1000;
    if (lane.queue.length === 0 && slot <= at) {
      lane.tat = tat;
      this.lanes.set(device, lane);
      held.go();
      return 'now';
    }
    if (slot - at > maxWaitMs) return 'refused';
    lane.tat = tat;
    lane.queue.push({ slot, held });
    this.lanes.set(device, lane);
    this.arm(lane);
    return 'held';
  }

  /** At stop: every held message is given up, unacknowledged (the device or the broker sends it again). */
  clear(): void {
    for (const lane of this.lanes.values()) {
      clearTimeout(lane.timer);
      for (const { held } of lane.queue.splice(0)) held.drop();
    }
    this.lanes.clear();
  }

  private arm(lane: Lane): void {
    if (lane.timer || lane.queue.length === 0) return;
    lane.timer = setTimeout(
      () => {
        lane.timer = undefined;
        const at = this.now();
        while (lane.queue.length > 0 && lane.queue[0]!.slot <= at) lane.queue.shift()!.held.go();
        this.arm(lane);
      },
      Math.max(1, Math.ceil(lane.queue[0]!.slot - this.now())),
    );
  }
}
