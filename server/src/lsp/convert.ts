/**
 * Model ↔ LSP conversions. The model speaks absolute paths; LSP speaks URIs.
 * Only `file:` URIs map to paths (untitled documents have none).
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import type * as lsp from 'vscode-languageserver';
import type { Location, Range } from '../model/location';
import type { Diagnostic, Severity } from '../model/diagnostic';
import type { Asset } from '../model/asset';
import { badgeOf, summarizePartitions, type PartitionsDef, type PartitionsSummary } from '../model/partitions';
import type { AssetInfo, WireLocation } from './protocol';

export function uriToPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return resolve(fileURLToPath(uri));
  } catch {
    return undefined;
  }
}

/** A POSIX path of characters a file URL keeps as they are: pathToFileURL's answer, at a tenth of its cost. */
const PLAIN_POSIX_PATH = /^\/[A-Za-z0-9/._-]*$/;
/** what path.resolve would change: `//`, and `.` or `..` segments */
const UNNORMALISED = /\/\/|\/\.\.?(?:\/|$)/;
const POSIX = process.platform !== 'win32';

export function pathToUri(path: string): string {
  // lists of every asset convert tens of thousands of paths
  if (POSIX && PLAIN_POSIX_PATH.test(path) && !UNNORMALISED.test(path)) return `file://${path}`;
  return pathToFileURL(path).href;
}

export function toLspRange(r: Range): lsp.Range {
  return {
    start: { line: r.start.line, character: r.start.character },
    end: { line: r.end.line, character: r.end.character },
  };
}

export function toLspLocation(loc: Location): lsp.Location {
  return { uri: pathToUri(loc.file), range: toLspRange(loc.range) };
}

export function toWireLocation(loc: Location): WireLocation {
  return toLspLocation(loc);
}

/** LSP DiagnosticSeverity values (kept literal: this file imports no runtime from vscode-languageserver). */
export function toLspSeverity(s: Severity): lsp.DiagnosticSeverity {
  return s === 'error' ? 1 : s === 'warning' ? 2 : 3;
}

export const DIAGNOSTIC_SOURCE = 'asset-lens';

export function toLspDiagnostic(d: Diagnostic): lsp.Diagnostic {
  const out: lsp.Diagnostic = {
    range: toLspRange(d.location.range),
    severity: toLspSeverity(d.severity),
    code: d.code,
    source: DIAGNOSTIC_SOURCE,
    message: d.message,
  };
  if (d.related?.length) {
    out.relatedInformation = d.related.map((r) => ({ location: toLspLocation(r.location), message: r.message }));
  }
  if (d.suggestion !== undefined) out.data = { suggestion: d.suggestion };
  return out;
}

/**
 * The client-facing description of one asset (lineage view, keys list, graph).
 * `listed`: one of a list of every asset, so its file without the range and
 * no description (see AssetLocation). `summaries`: the partitions summaries of
 * the list so far (the models of one dbt_assets share their definition).
 */
export function toAssetInfo(asset: Asset, now: number = Date.now(), listed = false, summaries?: Map<PartitionsDef, PartitionsSummary | null>): AssetInfo {
  const def = asset.partitions;
  let partitions = def && summaries?.get(def);
  if (partitions === undefined) {
    partitions = summarizePartitions(def, now);
    if (def) summaries?.set(def, partitions);
  }
  const info: AssetInfo = { key: asset.id, kind: asset.kind, partitions, badge: badgeOf(partitions) };
  if (asset.group) info.group = asset.group;
  if (asset.description && !listed) info.description = asset.description;
  const loc = asset.locations[0];
  if (loc) info.location = listed ? { uri: pathToUri(loc.file) } : toWireLocation(loc);
  return info;
}

/** A list of every asset (or thousands of them), as toAssetInfo's `listed`. */
export function toListedAssetInfos(assets: Iterable<Asset>, now: number = Date.now()): AssetInfo[] {
  const summaries = new Map<PartitionsDef, PartitionsSummary | null>();
  const out: AssetInfo[] = [];
  for (const a of assets) out.push(toAssetInfo(a, now, true, summaries));
  return out;
}
