/** How long the editor must have asked for nothing (requests, edits) before work that can wait runs. */
export const QUIET_MS = 750;

/**
 * The editor's quiet time, for work that can wait (saving a kept read,
 * did-you-mean lists): each holdOff() (a request, an edit) pushes it back.
 * run() queues one piece per name, a newer piece replacing one not yet run;
 * long work checks quiet() as it goes. Timers do not keep the process alive.
 */
export class WhenQuiet {
  private quietFrom = 0;
  private timer?: NodeJS.Timeout;
  private readonly tasks = new Map<string, () => void>();

  holdOff(): void {
    this.quietFrom = Date.now() + QUIET_MS;
  }

  quiet(): boolean {
    return Date.now() >= this.quietFrom;
  }

  /** Resolves once the editor is quiet, or as soon as `unless()` says not to wait. */
  async untilQuiet(unless: () => boolean = () => false): Promise<void> {
    while (!unless() && !this.quiet()) {
      await new Promise((resolve) => setTimeout(resolve, this.quietFrom - Date.now()).unref());
    }
  }

  run(name: string, task: () => void): void {
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
