/**
 * The language server proper, loaded by server.ts (through V8's code cache
 * when the client names a directory for it).
 */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startLanguageServer, type ServerStartup } from './lsp/languageServer';

export function startServer(startup: ServerStartup): void {
  startLanguageServer(createConnection(ProposedFeatures.all), startup);
}
