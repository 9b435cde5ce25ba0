import type { CodeAssetFact, SelectionFact } from '../../model/code';
import type { KeyReference } from '../../model/reference';

/** Where the definition readers put what they find. */
export interface FactSink {
  assets: CodeAssetFact[];
  references: KeyReference[];
  selections: SelectionFact[];
}
