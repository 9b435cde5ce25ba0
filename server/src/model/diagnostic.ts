import type { Location } from './location';

/** Diagnostic codes are part of the public interface (CLI JSON, SARIF, LSP). */
export type DiagnosticCode =
  | 'unknown-asset-key'
  | 'unknown-dbt-ref'
  | 'unknown-dbt-source'
  | 'duplicate-asset-key'
  | 'mixed-partitions'
  | 'partition-range'
  | 'partition-mapping'
  | 'translator-not-evaluated'
  | 'manifest-invalid'
  | 'unsupported-manifest-version'
  | 'file-skipped'
  | 'parse-error';

export type Severity = 'error' | 'warning' | 'info';

export interface RelatedInfo {
  location: Location;
  message: string;
}

export interface Diagnostic {
  location: Location;
  severity: Severity;
  code: DiagnosticCode;
  message: string;
  related?: RelatedInfo[];
  /** did-you-mean replacement text for quick fixes */
  suggestion?: string;
}
