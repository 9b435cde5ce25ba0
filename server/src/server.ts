/**
 * asset-lens-server: the Asset Lens language server.
 *   asset-lens-server --stdio        (Neovim, Helix, any LSP client)
 *   asset-lens-server --node-ipc     (the VS Code extension)
 * With no transport flag it speaks over stdio. Nothing but the protocol may
 * be written to stdout: logs go to the client's console.
 */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startLanguageServer } from './lsp/languageServer';

const TRANSPORTS = ['--stdio', '--node-ipc', '--socket', '--pipe'];

function main(argv: string[]): void {
  if (argv.includes('--version')) {
    process.stdout.write('asset-lens-server 0.1.0\n');
    return;
  }
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write('usage: asset-lens-server [--stdio | --node-ipc | --socket=<port> | --pipe=<name>]\n');
    return;
  }
  if (!argv.some((a) => TRANSPORTS.some((t) => a === t || a.startsWith(t + '=')))) process.argv.push('--stdio');
  // console.log would corrupt the stdio protocol stream: send it to stderr.
  console.log = (...args: unknown[]) => process.stderr.write(args.map(String).join(' ') + '\n');
  // A bug in one handler must not take the server down with it.
  process.on('unhandledRejection', (err) => process.stderr.write(`asset-lens-server: unhandled rejection: ${(err as Error)?.stack ?? err}\n`));
  process.on('uncaughtException', (err) => process.stderr.write(`asset-lens-server: uncaught exception: ${err?.stack ?? err}\n`));
  startLanguageServer(createConnection(ProposedFeatures.all));
}

main(process.argv.slice(2));
