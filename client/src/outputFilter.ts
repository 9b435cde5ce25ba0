import type * as vscode from 'vscode';

/** How the restart is announced in the output (the client logs it as Info; see RestartingErrorHandler). */
export const RESTART_NOTE = 'Asset Lens server stopped unexpectedly; restarting';

/**
 * The output channel as the language client gets it: vscode-languageclient 9
 * logs a restart with the error handler's `handled` flag passed as the log
 * line's data (client.js, handleConnectionClosed), so a lone `false` follows
 * the restart note. That one line is dropped; everything else passes through.
 * The last lines written are kept for the extension's tests.
 */
export class FilteredOutput {
  readonly recent: string[] = [];
  private last = '';
  readonly channel: vscode.OutputChannel;

  constructor(
    inner: vscode.OutputChannel,
    private readonly keep = 500,
  ) {
    const appendLine = (value: string) => {
      const stray = (value === 'false' || value === 'true') && this.last.includes(RESTART_NOTE);
      this.last = value;
      if (stray) return;
      this.recent.push(value);
      if (this.recent.length > this.keep) this.recent.splice(0, this.recent.length - this.keep);
      inner.appendLine(value);
    };
    this.channel = new Proxy(inner, {
      get(target, prop) {
        if (prop === 'appendLine') return appendLine;
        const v = Reflect.get(target, prop, target) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
  }
}
