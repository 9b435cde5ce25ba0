import type { Node } from 'web-tree-sitter';
import type { AssetKey } from '../../model/keys';
import type { LineIndex, Location } from '../../model/location';
import type { PartitionsDef } from '../../model/partitions';
import type { CallNameTable, CallRole } from './callNames';
import type { Imports } from './moduleScope';
import { calleeOf, isCall, lastName } from './syntax';

/** What one reader run knows about the file while it walks it. */
export interface ReaderContext {
  file: string;
  lines: LineIndex;
  names: CallNameTable;
  /** module-level string constants */
  constants: Map<string, string>;
  /** module-level partitions definitions */
  partitions: Map<string, PartitionsDef>;
  /** module-level variables holding asset definitions → their keys */
  assetVars: Map<string, AssetKey[]>;
  /** `import` bindings of the module: local name → module id and exported name */
  imports: Imports;
  /** call nodes already accounted for by an enclosing definition (by node id) */
  handled: Set<number>;
}

export function locationOf(ctx: ReaderContext, start: number, end: number): Location {
  return { file: ctx.file, range: ctx.lines.rangeOf(start, end) };
}

export function nodeLocation(ctx: ReaderContext, node: Node): Location {
  return locationOf(ctx, node.startIndex, node.endIndex);
}

/** The convention role of a call / `new` expression, by the callee's last name. */
export function callRole(ctx: ReaderContext, node: Node | null): CallRole | undefined {
  if (!isCall(node)) return undefined;
  return ctx.names.roleOf(lastName(calleeOf(node)));
}

/** Stable id for selections and similar per-site facts. */
export function siteId(ctx: ReaderContext, kind: string, node: Node): string {
  const p = ctx.lines.positionAt(node.startIndex);
  return `${ctx.file}#${kind}@${p.line + 1}:${p.character + 1}`;
}
