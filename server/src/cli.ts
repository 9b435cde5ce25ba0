import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { keyId, parseKeyPath, type Diagnostic } from './model';
import { AssetWorkspace } from './workspace/workspace';
import { parseArgs, USAGE, UsageError, type CliArgs } from './cli/args';
import { diagnosticsJson, diagnosticsText, graphDot, graphJson, keysJson, keysText, lineageText, sarif } from './cli/format';
import { closest } from './analysis/suggest';

const VERSION = '0.1.0';

/** The headless front: same engine as the language server, for CI. */
export async function main(argv: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  let args: CliArgs | 'help';
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      err(`asset-lens: ${e.message}\n${USAGE}\n`);
      return 2;
    }
    throw e;
  }
  if (args === 'help') {
    out(USAGE + '\n');
    return 0;
  }
  const dir = resolve(args.dir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    err(`asset-lens: "${args.dir}" is not a directory\n${USAGE}\n`);
    return 2;
  }
  const verbose = !args.quiet;
  const started = Date.now();
  let lastReport = started;
  const ws = new AssetWorkspace({
    roots: [dir],
    settings: args.manifest ? { manifestPath: args.manifest } : undefined,
    log: (line) => {
      if (verbose && process.env.ASSET_LENS_LOG) err(`${line}\n`);
    },
  });
  const snap = await ws.indexAll((done, total, message) => {
    // progress only when indexing is slow enough to wonder about
    const now = Date.now();
    if (verbose && now - started > 1000 && now - lastReport > 500) {
      lastReport = now;
      err(`indexing ${done}/${total}: ${message}\n`);
    }
  });
  const now = Date.now();

  switch (args.command) {
    case 'keys':
      out(args.format === 'json' ? JSON.stringify(keysJson(snap, dir, now), null, 2) + '\n' : keysText(snap, dir, now));
      return 0;
    case 'graph':
      out(args.format === 'dot' ? graphDot(snap, now) : JSON.stringify(graphJson(snap, dir, now), null, 2) + '\n');
      return 0;
    case 'lineage': {
      const wanted = args.key!;
      const id = snap.graph.get(wanted) ? wanted : keyId(parseKeyPath(wanted));
      if (!snap.graph.get(id)) {
        const s = closest(wanted, snap.graph.assets.keys());
        err(`asset-lens: no asset "${wanted}"${s ? `; did you mean "${s}"?` : ''}\n`);
        return 2;
      }
      const parts: string[] = [];
      const json: Record<string, unknown> = {};
      for (const direction of args.direction === 'both' ? (['up', 'down'] as const) : [args.direction]) {
        const tree = snap.graph.lineage(id, direction, args.depth)!;
        if (args.format === 'json') json[direction === 'up' ? 'upstream' : 'downstream'] = tree;
        else parts.push(`${direction === 'up' ? 'upstream' : 'downstream'} of ${id}:\n${lineageText(tree, direction === 'up' ? '←' : '→', now, snap.edgeProblems, direction === 'up')}`);
      }
      out(args.format === 'json' ? JSON.stringify(json, (k, v) => (k === 'edge' || k === 'via' ? undefined : v), 2) + '\n' : parts.join('\n'));
      return 0;
    }
    case 'check': {
      const all: Diagnostic[] = [...snap.diagnostics.values()].flat().sort(
        (a, b) =>
          a.location.file.localeCompare(b.location.file) ||
          a.location.range.start.line - b.location.range.start.line ||
          a.location.range.start.character - b.location.range.start.character ||
          a.code.localeCompare(b.code),
      );
      if (args.format === 'json') out(JSON.stringify(diagnosticsJson(snap, dir, all), null, 2) + '\n');
      else if (args.format === 'sarif') out(JSON.stringify(sarif(dir, all, VERSION), null, 2) + '\n');
      else out(diagnosticsText(dir, all, snap.graph.assets.size));
      return all.some((d) => d.severity === 'error') ? 1 : 0;
    }
  }
}

if (require.main === module) {
  main(process.argv.slice(2), (s) => process.stdout.write(s), (s) => process.stderr.write(s)).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`asset-lens: internal error: ${(e as Error).stack ?? e}\n`);
      process.exitCode = 3;
    },
  );
}
