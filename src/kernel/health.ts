/** Something that keeps Bastion from running as it should, though it still serves (a witness it cannot write). */
export interface HealthCondition {
  name: string;
  reason: string;
  since: number;
}

/**
 * Degraded conditions, reported by /readyz. Kept apart from the database check: the database is asked on
 * every probe, while these are set and cleared by whoever notices them (the audit witness monitor).
 */
export class HealthConditions {
  private readonly current = new Map<string, HealthCondition>();

  set(name: string, reason: string, at: number): void {
    const known = this.current.get(name);
    this.current.set(name, { name, reason, since: known?.since ?? at });
  }

  clear(name: string): void {
    this.current.delete(name);
  }

  list(): HealthCondition[] {
    return [...this.current.values()];
  }
}
