/**
 * asset-lens-server: the Asset Lens language server.
 *   asset-lens-server --stdio        (Neovim, Helix, any LSP client)
 *   asset-lens-server --node-ipc     (the VS Code extension)
 *   --code-cache=<dir>               keep compiled code in <dir> for the next start
 * With no transport flag it speaks over stdio. Nothing but the protocol may
 * be written to stdout: logs go to the client's console.
 *
 * This file stays small: it loads the server (serverMain.js, next to it)
 * through the code cache, which only pays off for code loaded after it.
 */
import { isAbsolute, join } from 'node:path';
import { loadWithCodeCache } from './codeCache';
import type { startServer } from './serverMain';

const TRANSPORTS = ['--stdio', '--node-ipc', '--socket', '--pipe'];
const CODE_CACHE_FLAG = '--code-cache=';

function main(argv: string[]): void {
  if (argv.includes('--version')) {
    process.stdout.write('asset-lens-server 0.1.0\n');
    return;
  }
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write('usage: asset-lens-server [--stdio | --node-ipc | --socket=<port> | --pipe=<name>] [--code-cache=<dir>]\n');
    return;
  }
  if (!argv.some((a) => TRANSPORTS.some((t) => a === t || a.startsWith(t + '=')))) process.argv.push('--stdio');
  // console.log would corrupt the stdio protocol stream: send it to stderr.
  console.log = (...args: unknown[]) => process.stderr.write(args.map(String).join(' ') + '\n');
  // A bug in one handler must not take the server down with it.
  process.on('unhandledRejection', (err) => process.stderr.write(`asset-lens-server: unhandled rejection: ${(err as Error)?.stack ?? err}\n`));
  process.on('uncaughtException', (err) => process.stderr.write(`asset-lens-server: uncaught exception: ${err?.stack ?? err}\n`));

  const dirArg = argv.find((a) => a.startsWith(CODE_CACHE_FLAG))?.slice(CODE_CACHE_FLAG.length);
  // a relative directory would land wherever the client started the process
  const cacheDir = dirArg && isAbsolute(dirArg) ? dirArg : undefined;
  const loaded = loadWithCodeCache(join(__dirname, 'serverMain.js'), cacheDir);
  const start = (loaded.exports as { startServer: typeof startServer }).startServer;
  const ignored = dirArg !== undefined && cacheDir === undefined ? ` (${CODE_CACHE_FLAG}${dirArg} ignored: not an absolute path)` : '';
  start({
    loadNote: `code cache ${loaded.status}${loaded.file ? `: ${loaded.file}` : ignored}, loaded in ${loaded.loadMs.toFixed(0)} ms`,
    keepCompiledCode: (when) => loaded.save({ ifGrown: when === 'shutdown' }),
  });
}

main(process.argv.slice(2));
