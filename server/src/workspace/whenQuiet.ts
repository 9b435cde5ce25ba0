/** How long the editor must have asked for nothing (requests, edits) before work that can wait runs. */
export const QUIET_MS = 750;

/**
 * The editor's quiet time, for work that can wait (saving a kept read,
 * did-you-mean lists): each holdOff() (a request, an edit) pushes it back.
 * run() queues one piece per name, a newer piece replacing one not yet run;
 * long work checks quiet() as it goes. Timers do not keep the process alive.
 * stop() ends it for good (the workspace is dropped): queued work never runs.
 */
export class WhenQuiet {
  private quietFrom = 0;
  private timer?: NodeJS.Timeout;
  private readonly tasks = new Map<string, () => void>();
  private ended = false;

  holdOff(): void {
    this.quietFrom = Date.now() + QUIET_MS;
  }

  /** Never quiet once stopped: long work stops at its next check. */
  quiet(): boolean {
    return !this.ended && Date.now() >= this.quietFrom;
  }

  get stopped(): boolean {
    return this.ended;
  }

  stop(): void {
    this.ended = true;
    this.tasks.clear();
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Resolves once the editor is quiet, once stopped, or as soon as `unless()` says not to wait. */
  async untilQuiet(unless: () => boolean = () => false): Promise<void> {
    while (!unless() && !this.ended && !this.quiet()) {
      await new Promise((resolve) => setTimeout(resolve, this.quietFrom - Date.now()).unref());
    }
  }

  run(name: string, task: () => void): void {
    if (this.ended) return;
    this.tasks.set(name, task);
    this.holdOff();
    this.arm();
  }

  private arm(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.quiet()) return this.arm();
      const tasks = [...this.tasks.values()];
      this.tasks.clear();
      for (const task of tasks) task();
    }, Math.max(1, this.quietFrom - Date.now()));
    this.timer.unref();
  }
}
