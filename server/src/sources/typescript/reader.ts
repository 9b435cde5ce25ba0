import type { Node, Parser, Tree } from 'web-tree-sitter';
import { emptyCodeFacts, type CodeFileFacts } from '../../model/code';
import type { KeyReference } from '../../model/reference';
import { keyId, type AssetKey } from '../../model/keys';
import { LineIndex, ZERO_RANGE } from '../../model/location';
import { createParser, parseWithin, type GrammarName } from '../treeSitter';
import { CallNameTable, type TsCallNames } from './callNames';
import { callRole, locationOf, type ReaderContext } from './context';
import { depKeys, readAsset, readMultiAsset, readSpec } from './definitions';
import { evalKey, type EvaluatedKey } from './keys';
import { moduleIdOf, readModuleScope, topLevelDeclarators } from './moduleScope';
import { readPipesReport } from './pipes';
import { isKeySelectionCall, readJob, readMaterialize, readStandaloneSelection } from './selections';
import type { FactSink } from './sink';
import { calleeOf, lastName, namedChildren, objectProperties, optionsArgument, unwrap } from './syntax';

export interface TsReadOptions {
  /** replaces the default names per role (see TsCallNames) */
  callNames?: Partial<TsCallNames>;
}

const parsers = new Map<GrammarName, Promise<Parser>>();

function parserFor(file: string): Promise<Parser> {
  const grammar: GrammarName = /\.[jt]sx$/i.test(file) ? 'tsx' : 'typescript';
  let p = parsers.get(grammar);
  if (!p) {
    p = createParser(grammar);
    // A failed load must not poison later attempts.
    p.catch(() => parsers.delete(grammar));
    parsers.set(grammar, p);
  }
  return p;
}

function emptyFacts(file: string): CodeFileFacts {
  return emptyCodeFacts(file, 'ts', moduleIdOf(file));
}

/**
 * Reads asset definitions, references, selections and module symbols from a
 * TypeScript file written in the Asset Lens convention
 * (docs/typescript-convention.md). Never throws: syntax errors leave the
 * rest of the file readable, and an unusable parser yields a
 * `file-skipped` diagnostic.
 */
export async function readTypeScriptFile(file: string, text: string, options?: TsReadOptions): Promise<CodeFileFacts> {
  const facts = emptyFacts(file);
  let tree: Tree | null = null;
  try {
    const parser = await parserFor(file);
    tree = parseWithin(parser, text);
    if (!tree) throw new Error('parser returned no tree');
    readTree(facts, tree.rootNode, text, new CallNameTable(options?.callNames));
  } catch (err) {
    facts.diagnostics.push({
      location: { file, range: ZERO_RANGE },
      severity: 'info',
      code: 'file-skipped',
      message: `Asset Lens could not read this TypeScript file: ${err instanceof Error ? err.message : String(err)}`,
    });
  } finally {
    tree?.delete();
  }
  return facts;
}

function readTree(facts: CodeFileFacts, root: Node, text: string, names: CallNameTable): void {
  const ctx: ReaderContext = {
    file: facts.file,
    lines: new LineIndex(text),
    names,
    constants: new Map(),
    partitions: new Map(),
    assetVars: new Map(),
    imports: {},
    handled: new Set(),
  };
  readModuleScope(ctx, root, ctx.imports);
  collectAssetVariables(ctx, root);
  ctx.handled.clear();

  const sink: FactSink = { assets: facts.assets, references: facts.references, selections: facts.selections };
  walkCalls(root, (call) => {
    if (!ctx.handled.has(call.id)) readCall(ctx, call, sink);
  });

  facts.symbols.imports = ctx.imports;
  facts.symbols.constants = Object.fromEntries(ctx.constants);
  facts.symbols.partitions = Object.fromEntries(ctx.partitions);
  facts.symbols.definitions = Object.fromEntries([...ctx.assetVars].map(([name, keys]) => [name, keys.map(keyId)]));
}

/**
 * Module-level `const x = asset(...)` (and multiAsset, assetSpec) → keys, so
 * `deps: [x]` and `materialize([x])` can name them wherever they appear.
 * Runs the definition readers into a scratch sink; only the keys are kept.
 */
function collectAssetVariables(ctx: ReaderContext, root: Node): void {
  const scratch: FactSink = { assets: [], references: [], selections: [] };
  for (const stmt of namedChildren(root)) {
    for (const { name, value } of topLevelDeclarators(stmt)) {
      const call = unwrap(value);
      if (!call) continue;
      const role = callRole(ctx, call);
      let keys: AssetKey[] | undefined;
      if (role === 'asset') keys = readAsset(ctx, call, scratch);
      else if (role === 'multiAsset') keys = readMultiAsset(ctx, call, scratch);
      else if (role === 'assetSpec') keys = readSpec(ctx, call, scratch);
      if (keys) ctx.assetVars.set(name.text, keys);
    }
  }
}

/** Pre-order over every call / `new` expression, iteratively (deep nesting must not overflow). */
function walkCalls(root: Node, visit: (call: Node) => void): void {
  const cursor = root.walk();
  try {
    for (;;) {
      const type = cursor.nodeType;
      if (type === 'call_expression' || type === 'new_expression') visit(cursor.currentNode);
      if (cursor.gotoFirstChild()) continue;
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) return;
      }
    }
  } finally {
    cursor.delete();
  }
}

function readCall(ctx: ReaderContext, call: Node, sink: FactSink): void {
  const role = callRole(ctx, call);
  switch (role) {
    case 'asset':
      readAsset(ctx, call, sink);
      return;
    case 'multiAsset':
      readMultiAsset(ctx, call, sink);
      return;
    case 'assetSpec':
      readSpec(ctx, call, sink);
      return;
    case 'defineAssetJob':
      readJob(ctx, call, sink);
      return;
    case 'materialize':
      readMaterialize(ctx, call, sink);
      return;
    case 'reportAssetMaterialization':
    case 'reportAssetCheck': {
      const ref = readPipesReport(ctx, call, role);
      if (ref) sink.references.push(ref);
      return;
    }
    case 'assetCheck': {
      ctx.handled.add(call.id);
      const target = objectProperties(optionsArgument(call)).get('asset')?.value ?? null;
      const e = depKeys(ctx, target)[0];
      if (e) sink.references.push({ ...mention(ctx, e), form: 'asset_check' });
      return;
    }
    case 'assetKey': {
      const e = evalKey(ctx, call, 'coercible');
      if (e) sink.references.push(mention(ctx, e));
      return;
    }
  }
  if (isKeySelectionCall(ctx, call)) {
    readStandaloneSelection(ctx, call, sink);
    return;
  }
  // `AssetKey.fromUserString("a/b")`: evalKey recognises it by its object's name
  if (lastName(calleeOf(call)) === 'fromUserString') {
    const e = evalKey(ctx, call, 'coercible');
    if (e) sink.references.push(mention(ctx, e));
  }
}

function mention(ctx: ReaderContext, e: EvaluatedKey): KeyReference {
  return { target: { kind: 'key', key: e.key }, location: locationOf(ctx, e.start, e.end), role: 'mention', form: 'asset_key' };
}
