/** How long the editor must have asked for nothing (requests, edits) before work that can wait runs. */
export const QUIET_MS = 750;

/**
 * Runs one piece of work that can wait once the editor has been quiet for
 * QUIET_MS: each holdOff() (a request, an edit) pushes it back; a newer piece
 * replaces one not yet run. Timers do not keep the process alive.
 */
export class WhenQuiet {
  private quietFrom = 0;
  private timer?: NodeJS.Timeout;
  private task?: () => void;

  holdOff(): void {
    this.quietFrom = Date.now() + QUIET_MS;
  }

  run(task: () => void): void {
    this.task = task;
    this.holdOff();
    this.arm();
  }

  private arm(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (Date.now() < this.quietFrom) return this.arm();
      const task = this.task;
      this.task = undefined;
      task?.();
    }, Math.max(1, this.quietFrom - Date.now()));
    this.timer.unref();
  }
}
