/**
 * What Bastion remembers of each edge node between messages: whether it was born since Bastion started
 * listening, the next sequence number (0-255, wrapping), and its metric aliases (unique across the node
 * and its devices, per Sparkplug B). Kept in memory: after a restart, the first data without a birth
 * brings a rebirth request, which is how a Sparkplug host application recovers this state.
 */
export class EdgeState {
  born = false;
  nextSeq: number | null = null;
  readonly aliases = new Map<number, string>();
  /** Which of the node's devices (null: the node itself) declared each alias in this life. */
  readonly aliasOwners = new Map<number, string | null>();
  /** The node's Sparkplug devices seen so far: an NDEATH takes them offline with the node. */
  readonly devices = new Set<string>();
  lastRebirthAt = -Infinity;

  /** Starts a new life at an NBIRTH: aliases and sequence from scratch. */
  rebirth(): void {
    this.born = true;
    this.nextSeq = null;
    this.aliases.clear();
    this.aliasOwners.clear();
  }

  /** Accepts a sequence number; returns the one expected when it is not the next. */
  sequence(seq: number): number | undefined {
    const expected = this.nextSeq;
    this.nextSeq = (seq + 1) % 256;
    return expected !== null && expected !== seq ? expected : undefined;
  }

  /** Rebirth requests are limited to one a second per node, so a confused node is not flooded with them. */
  mayRequestRebirth(now: number): boolean {
    if (now - this.lastRebirthAt < 1000) return false;
    this.lastRebirthAt = now;
    return true;
  }
}

export class EdgeNodes {
  private readonly nodes = new Map<string, EdgeState>();

  of(deviceId: string): EdgeState {
    let state = this.nodes.get(deviceId);
    if (!state) this.nodes.set(deviceId, (state = new EdgeState()));
    return state;
  }

  /** Forgets a node (its credentials were rotated or it was released: it starts again with a birth). */
  forget(deviceId: string): void {
    this.nodes.delete(deviceId);
  }
}
