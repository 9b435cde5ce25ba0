/**
 * Seeded fuzzing of every reader and of the in-process engine (bounded
 * count). `npm run fuzz` runs the same generator for longer.
 * Replay an input: node fuzz/run.mjs --seed <seed> --from <index> --count 1 --targets <target>
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { buildCorpus } from './lib/corpus';
import { formatStats, fuzzReaders } from './lib/fuzzReaders';
import type { ReaderTarget } from './lib/readerWorker';

const SEED = Number(process.env.ASSET_LENS_FUZZ_SEED ?? 20261124);
const COUNT = Number(process.env.ASSET_LENS_FUZZ_COUNT ?? 3000);

test(`reader fuzz: ${COUNT} seeded inputs (seed ${SEED}): no exception, no hang, invariants hold`, async () => {
  const corpus = buildCorpus({ maxManifestBytes: 800_000 });
  const targets: ReaderTarget[] = ['manifest', 'sql', 'python', 'typescript', 'componentYaml', 'dbtProject', 'workspace', 'keptRead'];
  for (const t of targets) assert.ok(corpus.seeds[t].length > 0, `no seed files for ${t} in ${corpus.exampleDir}`);
  const stats = await fuzzReaders(corpus, {
    seed: SEED,
    count: COUNT,
    timeoutMs: 15_000,
    targets,
    workerPath: join(__dirname, 'lib', 'readerWorker.js'),
    saveDir: join(__dirname, '..', '..', 'fuzz-failures'),
    log: (l) => console.log(l),
  });
  console.log(formatStats('reader fuzz', stats));
  assert.equal(stats.tried, COUNT);
  assert.deepEqual(
    stats.failures.map((f) => `${f.kind} ${f.target} #${f.index} (${f.origin}; ${f.ops.join('+')}): ${f.detail}`),
    [],
  );
});
