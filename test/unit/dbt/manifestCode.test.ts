import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { readManifest, readParsedManifest } from '../../../server/src/sources/dbt/manifest';
import { scanManifest } from '../../../server/src/sources/dbt/manifestScan';
import type { FileStat } from '../../../server/src/sources/fileSource';
import { MANIFEST_DIR, MemoryFileSource } from './helpers';

/**
 * A manifest holds each model's code (`raw_code`, `raw_sql` before v7): the
 * reader places nodes and ref() calls from it instead of opening the file,
 * when the file has the same size, and must then place them exactly as the
 * file would.
 */
type Raw = Record<string, any>;

/** Files counted as they are read; paths in `overlays` are held by an editor. */
class CountingSource extends MemoryFileSource {
  readonly opened: string[] = [];
  readonly overlays = new Set<string>();
  override readText(p: string): string | undefined {
    this.opened.push(p);
    return super.readText(p);
  }
  override stat(p: string): FileStat | undefined {
    const st = super.stat(p);
    return st && this.overlays.has(p) ? { ...st, isOverlay: true } : st;
  }
}

/** A real manifest's project, its model files written with the manifest's own code. */
function project(manifest: string) {
  const file = path.join(MANIFEST_DIR, manifest);
  const bytes = readFileSync(file);
  const m = JSON.parse(bytes.toString('utf8'));
  // before v10 the manifest names its project only by hash: the package of its models is the name
  const name: string = m.metadata.project_name ?? Object.values<Raw>(m.nodes).find((n) => n.resource_type === 'model')!.package_name;
  const root = '/p/' + name;
  const fs = new CountingSource().set(`${root}/dbt_project.yml`, `name: ${name}\n`);
  const models: Raw[] = Object.values<Raw>(m.nodes).filter((n) => n.package_name === name && n.original_file_path?.endsWith('.sql') && typeof (n.raw_code ?? n.raw_sql) === 'string');
  for (const n of models) fs.set(`${root}/${n.original_file_path}`, n.raw_code ?? n.raw_sql);
  return { file, bytes, m, root, fs, models };
}

const withoutCode = (m: Raw): Raw => ({ ...m, nodes: Object.fromEntries(Object.entries<Raw>(m.nodes).map(([k, n]) => [k, { ...n, raw_code: undefined, raw_sql: undefined }])) });
const sqlReads = (fs: CountingSource) => fs.opened.filter((f) => f.endsWith('.sql'));

for (const name of ['astronomer-cosmos__jaffle_shop.json', 'godatadriven-dbt-bouncer__dbt_project_1.12.json', 'more/FlipsideCrypto-sql_models__docs_v6.json']) {
  test(`nodes are placed from the manifest's code without opening their files, as the files would place them: ${name}`, () => {
    const p = project(name);
    assert.ok(p.models.length > 0);
    // the reference: the same manifest without code, so every file is read
    const fromFiles = readParsedManifest(withoutCode(p.m), p.file, p.root, p.fs).facts!.nodes;
    assert.equal(new Set(sqlReads(p.fs)).size, p.models.length, 'without code every model file is read');
    const located = fromFiles.filter((n) => n.refs.some((r) => r.location) || n.sources.some((s) => s.location));
    assert.ok(located.length > 0, 'some ref()/source() calls are placed');

    for (const [how, read] of [
      ['JSON.parse (small manifests)', () => readManifest(p.bytes, p.file, p.root, p.fs)],
      ['the skipping scanner', () => readParsedManifest(scanManifest(p.bytes)!, p.file, p.root, p.fs)],
    ] as const) {
      p.fs.opened.length = 0;
      const nodes = read().facts!.nodes;
      assert.deepEqual(sqlReads(p.fs), [], `${how}: no model file opened`);
      assert.deepEqual(nodes, fromFiles, how);
    }
  });
}

test('a file whose size differs from the manifest code, or that an editor holds, is read and places its node', () => {
  const p = project('astronomer-cosmos__jaffle_shop.json');
  const [changed, open] = p.models.filter((n) => (n.refs ?? []).length > 0);
  const changedFile = `${p.root}/${changed.original_file_path}`;
  const openFile = `${p.root}/${open.original_file_path}`;
  // three lines more on disk than in the manifest (a manifest from another checkout)
  p.fs.set(changedFile, '\n\n\n' + changed.raw_code);
  // the same size as the manifest's code, other text: held by an editor
  p.fs.set(openFile, '\n' + (open.raw_code as string).slice(1));
  assert.equal(p.fs.stat(openFile)!.size, Buffer.byteLength(open.raw_code));
  p.fs.overlays.add(openFile);
  for (const read of [() => readManifest(p.bytes, p.file, p.root, p.fs), () => readParsedManifest(scanManifest(p.bytes)!, p.file, p.root, p.fs)]) {
    p.fs.opened.length = 0;
    const nodes = read().facts!.nodes;
    assert.deepEqual(sqlReads(p.fs).sort(), [changedFile, openFile].sort());
    const a = nodes.find((n) => n.uniqueId === changed.unique_id)!;
    const fromManifestCode = readManifest(p.bytes, p.file, p.root, project('astronomer-cosmos__jaffle_shop.json').fs).facts!.nodes.find((n) => n.uniqueId === changed.unique_id)!;
    assert.equal(a.locations[0].range.start.line, fromManifestCode.locations[0].range.start.line + 3, 'placed in the file as it is');
    const placed = a.refs.filter((r) => r.location);
    assert.ok(placed.length > 0);
    placed.forEach((r, i) => assert.equal(r.location!.range.start.line, fromManifestCode.refs.filter((x) => x.location)[i].location!.range.start.line + 3));
  }
});
