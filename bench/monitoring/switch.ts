import type { Bastion } from '../../src/app/bastion.js';
import { startMonitoring, type RunningMonitoring } from '../../src/app/monitoring.js';

/**
 * Monitoring on or off in one Bastion, between rounds: on, the security event recorder listens on the bus
 * and the detector runs every rule over what it writes (as `bastion serve` does); off, neither exists.
 */
export class MonitoringSwitch {
  private running: RunningMonitoring | undefined;
  private recording = true;

  constructor(private readonly bastion: Bastion) {}

  async set(on: boolean): Promise<void> {
    if (on && !this.running) {
      if (!this.recording) this.bastion.securityEvents.attach();
      this.recording = true;
      this.running = await startMonitoring(this.bastion, this.bastion.logger);
    }
    if (!on) {
      await this.running?.settled();
      await this.running?.stop();
      this.running = undefined;
      if (this.recording) await this.bastion.securityEvents.close();
      this.recording = false;
    }
  }

  /** Waits until what was recorded has been through the rules (part of the measured time when on). */
  async settled(): Promise<void> {
    await this.running?.settled();
  }
}
