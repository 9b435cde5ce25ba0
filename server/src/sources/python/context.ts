import type { Node } from 'web-tree-sitter';
import { emptyCodeFacts, type CodeFileFacts } from '../../model/code';
import type { AssetKey } from '../../model/keys';
import type { KeyReference } from '../../model/reference';
import type { Location, Range } from '../../model/location';
import { ModuleScope } from './scope';
import { nodeLocation } from './syntax';

/** State shared by the parts of one Python file's read. */
export class ReadContext {
  readonly facts: CodeFileFacts;
  /** call nodes already interpreted by an enclosing construct (by node id) */
  readonly consumed = new Set<number>();
  /** `deps=[fn]` names waiting for the end of the file, when all local definitions are known */
  readonly pendingNames: { ref: KeyReference; name: string }[] = [];
  /** dotted python names handed to the linker (`z.daily`), so their origin lands in symbols.imports */
  readonly usedNames = new Set<string>();
  /** python names defined here → the asset keys they define */
  readonly localKeys = new Map<string, AssetKey[]>();
  /** names of `@dbt_assets` functions in this file */
  readonly dbtFunctions = new Set<string>();
  private selectionCounter = 0;

  constructor(
    readonly file: string,
    readonly scope: ModuleScope,
  ) {
    this.facts = emptyCodeFacts(file, 'python', scope.module);
  }

  loc(node: Node): Location {
    return nodeLocation(this.file, node);
  }

  at(range: Range): Location {
    return { file: this.file, range };
  }

  /** Is `call` a call of one of these Dagster names? Returns the matched name. */
  callee(call: Node, names: readonly string[]): string | null {
    if (call.type !== 'call') return null;
    const name = this.scope.dagsterName(call.childForFieldName('function'));
    return name && names.includes(name) ? name : null;
  }

  /** A copy of a dependency shared by several assets (multi_asset deps); a pending name stays pending. */
  copyRef(ref: KeyReference): KeyReference {
    const copy: KeyReference = { ...ref };
    const pending = this.pendingNames.find((p) => p.ref === ref);
    if (pending) this.pendingNames.push({ ref: copy, name: pending.name });
    return copy;
  }

  consume(node: Node): void {
    this.consumed.add(node.id);
  }

  nextSelectionId(kind: string, node: Node): string {
    this.selectionCounter++;
    return `${this.file}#${kind}@${node.startPosition.row + 1}:${node.startPosition.column + 1}`;
  }
}
