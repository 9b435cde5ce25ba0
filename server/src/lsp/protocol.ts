/**
 * Custom requests between the Asset Lens client and server. Types only: the
 * VS Code client imports this file too, so it must not import any runtime.
 */
export interface PartitionsInfo {
  type: string;
  count: number | null;
  start: string | null;
  end: string | null;
}

export interface WireRange {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

export interface WireLocation {
  uri: string;
  range: WireRange;
}

/**
 * Where an asset is defined. Lists of every asset (the key list, the whole
 * graph) give the file only: a manifest node's range is found by reading its
 * file, which for tens of thousands of assets takes seconds. The range is
 * then asked for the one asset the user opens (AssetLocationRequest).
 */
export interface AssetLocation {
  uri: string;
  range?: WireRange;
}

export interface AssetInfo {
  /** "a/b" */
  key: string;
  /** dbt_model | dbt_seed | dbt_snapshot | dbt_source | python | ts */
  kind: string;
  partitions: PartitionsInfo | null;
  /** "daily ·90", "" when unpartitioned */
  badge: string;
  group?: string;
  description?: string;
  location?: AssetLocation;
}

export const LineageRequest = 'assetLens/lineage';
export interface LineageParams {
  key?: string;
  textDocument?: { uri: string };
  position?: { line: number; character: number };
  direction: 'up' | 'down';
  depth?: number;
}
export interface LineageTreeNode extends AssetInfo {
  children: LineageTreeNode[];
  /** set on a node whose edge to its parent has a partition problem: the message */
  mismatch?: string;
  /** shown elsewhere in this tree already; not expanded */
  repeated?: boolean;
}
/** null when no asset is at the position / the key is unknown */
export type LineageResult = LineageTreeNode | null;

/** Every asset: key, kind, partitions badge, group and file (no range, no description). */
export const KeysRequest = 'assetLens/keys';
export type KeysResult = AssetInfo[];

/** Where one asset is defined, range included (for an entry of a list of every asset). */
export const AssetLocationRequest = 'assetLens/location';
export interface AssetLocationParams {
  key: string;
}
/** null when the key is unknown or the asset has no place in a file */
export type AssetLocationResult = WireLocation | null;

export const GraphRequest = 'assetLens/graph';
export interface GraphParams {
  /** focus asset; absent = whole graph */
  key?: string;
  textDocument?: { uri: string };
  position?: { line: number; character: number };
  /** neighbourhood radius around the focus (default 2) */
  depth?: number;
}
export interface GraphResult {
  focus?: string;
  nodes: AssetInfo[];
  edges: { from: string; to: string; mismatch?: string }[];
}

export const ReindexRequest = 'assetLens/reindex';

export const SupportedMethodsRequest = 'assetLens/supportedMethods';
export type SupportedMethodsResult = string[];

/** server → client notification after each (re)index: for the status bar */
export const IndexStatusNotification = 'assetLens/indexStatus';
export interface IndexStatus {
  state: 'indexing' | 'ready';
  assets: number;
  problems: number;
  message?: string;
}
