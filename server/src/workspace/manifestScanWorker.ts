import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { locateManifest, type LocatedNodes } from '../sources/dbt/manifestScan';
import { readsNodesAsMet } from '../sources/dbt/manifestVersion';
import type { ScannedPart } from '../sources/dbt/manifest';
import type { ManifestScanThreadData } from './manifestScanThread';

/**
 * The manifest scan thread (see manifestScanThread.ts): reads the manifest
 * into memory the language server's thread shares, then walks it, handing
 * over in batches where each node's kept values start. That thread parses
 * those few values while this one walks on through the code, columns and
 * descriptions it skips. Types only from manifest.ts: this bundle holds the
 * scanner alone.
 */
const BATCH_NODES = 500;

/** The whole file in shared memory; undefined when it cannot be read or changes size meanwhile. */
function readShared(path: string): Uint8Array | string {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const size = fstatSync(fd).size;
    const bytes = new Uint8Array(new SharedArrayBuffer(size));
    let at = 0;
    while (at < size) {
      const n = readSync(fd, bytes, at, size - at, at);
      if (n === 0) return 'it got shorter while read';
      at += n;
    }
    return bytes;
  } catch (err) {
    return `unreadable (${(err as Error).message})`;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function run({ manifestPath }: ManifestScanThreadData): void {
  const post = (part: ScannedPart, transfer?: ArrayBuffer[]) => parentPort!.postMessage(part, transfer);
  const bytes = readShared(manifestPath);
  if (typeof bytes === 'string') {
    post({ gaveUp: bytes });
    return;
  }
  post({ bytes });
  // a UTF-8 byte order mark is skipped, as manifestObject does (the offsets are of the bytes after it)
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  if (bom) {
    post({ gaveUp: 'it starts with a byte order mark' });
    return;
  }
  let metadata: unknown;
  let refused = false;
  const rest = locateManifest(bytes, {
    batchNodes: BATCH_NODES,
    accepts: (met) => {
      metadata = met;
      refused = !readsNodesAsMet(met);
      return !refused;
    },
    flush: (located: LocatedNodes) => post({ located, metadata }, [located.buffer as ArrayBuffer]),
  });
  if (rest) post({ rest });
  else post({ gaveUp: refused ? 'its metadata does not name the project before its nodes' : 'not a manifest the scanner reads' });
}

run(workerData as ManifestScanThreadData);
