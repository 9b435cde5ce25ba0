/**
 * `npm run fuzz` — the long run of the fuzzers.
 *   node fuzz/run.mjs [--seed N] [--count N] [--minutes M] [--from I]
 *                     [--targets manifest,python,...] [--workers N] [--timeout MS]
 *                     [--server-rounds N] [--no-server]
 * Prints inputs tried, crashes, hangs, invariant violations; failing inputs
 * are saved under out/fuzz-failures/ with their seed and index in the name.
 * Exit code 1 when anything failed.
 */
import { join } from 'node:path';
import { buildCorpus, repoRoot } from './corpus';
import { formatStats, fuzzReaders } from './fuzzReaders';
import { fuzzServer, formatServerStats } from './fuzzServer';
import type { ReaderTarget } from './readerWorker';
import { diffTrees, snapshotTrees } from './trees';

const ALL: ReaderTarget[] = ['manifest', 'sql', 'python', 'typescript', 'componentYaml', 'dbtProject', 'workspace', 'keptRead'];

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0) return process.argv[i + 1];
  const eq = process.argv.find((a) => a.startsWith(`--${name}=`));
  return eq?.slice(name.length + 3);
}

async function main(): Promise<number> {
  const seed = Number(arg('seed') ?? Date.now() % 1_000_000_007);
  const minutes = arg('minutes') !== undefined ? Number(arg('minutes')) : undefined;
  const count = arg('count') !== undefined ? Number(arg('count')) : minutes === undefined ? 20_000 : undefined;
  const from = Number(arg('from') ?? 0);
  const targets = (arg('targets')?.split(',') as ReaderTarget[] | undefined) ?? ALL;
  const workers = Number(arg('workers') ?? 2);
  const timeoutMs = Number(arg('timeout') ?? 20_000);
  const log = (l: string) => process.stderr.write(l + '\n');
  log(`asset-lens fuzz: seed ${seed}${count !== undefined ? `, ${count} inputs` : ''}${minutes !== undefined ? `, ${minutes} min` : ''}, targets ${targets.join(',')}`);
  const guard = snapshotTrees();
  const corpus = buildCorpus({ maxManifestBytes: 5_000_000 });
  const saveDir = join(repoRoot(), 'out', 'fuzz-failures');
  const readers = await fuzzReaders(corpus, {
    seed,
    count,
    from,
    minutes: minutes !== undefined && !process.argv.includes('--no-server') ? minutes * 0.8 : minutes,
    timeoutMs,
    targets,
    workers,
    saveDir,
    log,
    workerPath: join(__dirname, 'readerWorker.js'),
  });
  const lines = [formatStats('readers', readers)];
  let failed = readers.crashes + readers.hangs + readers.violations;
  if (!process.argv.includes('--no-server')) {
    const rounds = Number(arg('server-rounds') ?? (minutes !== undefined ? 100_000 : 300));
    const server = await fuzzServer({ seed, rounds, minutes: minutes !== undefined ? minutes * 0.2 : undefined, log });
    lines.push(formatServerStats(server));
    failed += server.failures.length;
  }
  const changed = diffTrees(guard, snapshotTrees());
  lines.push(`read-only: ${guard.files} files (${guard.bytes} bytes) under ${guard.dirs.length} guarded directories hashed before and after; ${changed.length} changed${changed.length ? ': ' + changed.join(', ') : ''}`);
  failed += changed.length;
  process.stdout.write(lines.join('\n') + '\n');
  process.stdout.write(`replay one input: node fuzz/run.mjs --seed ${seed} --from <index> --count 1 --targets <target> --no-server\n`);
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`fuzz: ${(err as Error)?.stack ?? err}\n`);
    process.exit(2);
  },
);
