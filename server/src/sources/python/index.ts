import { Query, type Language, type Node, type Parser, type Tree } from 'web-tree-sitter';
import { emptyCodeFacts, type CodeFileFacts, type TranslatorFact } from '../../model/code';
import type { AssetKey } from '../../model/keys';
import { capturesWithin, createParser, PARSE_BUDGET_MS, parseWithin, TooComplexError } from '../treeSitter';
import { MAX_PYTHON_NESTING, pythonTooDeep } from './nesting';
import { clampRanges } from '../clampRanges';
import { ASSET_DECORATORS, MULTI_ASSET_DECORATORS, readAssetCheck, readAssetDecorator, readMultiAsset, readStandaloneSpec } from './assets';
import { ReadContext } from './context';
import { DBT_ASSETS_DECORATORS, readDbtAssets } from './dbtAssets';
import { KEY_CALLS } from './keys';
import { PARTITIONS_CLASSES, recordModulePartitions } from './partitions';
import { blankUninteresting } from './prefilter';
import { repairPython } from './repair';
import { ModuleScope } from './scope';
import { JOB_CALLS, MATERIALIZE_CALLS, readAssetSelection, readJob, readMaterialize, readMention } from './selections';
import { namedChildren } from './syntax';
import { readTranslatorClass } from './translator';

export { pythonModuleName } from './moduleName';

/**
 * Reads one Python file into facts: assets, dependencies, dbt bindings,
 * translators, jobs and module symbols. Never throws: a file we cannot
 * parse yields empty facts (and no false ones).
 */

/**
 * Larger files are not parsed at all (generated code). Below this, big files
 * are prefiltered (prefilter.ts): tree-sitter-python parses about 1 MB/s, so
 * only top-level statements that can matter reach the parser.
 */
export const MAX_PYTHON_CHARS = 8 * 1024 * 1024;

let parser: Promise<Parser> | undefined;

function getParser(): Promise<Parser> {
  parser ??= createParser('python').catch((e) => {
    parser = undefined;
    throw e;
  });
  return parser;
}

export function emptyPythonFacts(file: string, module: string): CodeFileFacts {
  return emptyCodeFacts(file, 'python', module);
}

/** Empty facts with the info diagnostic saying why the file was not indexed. */
function skipped(file: string, module: string, why: string): CodeFileFacts {
  const facts = emptyPythonFacts(file, module);
  facts.diagnostics.push({
    location: { file, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } },
    severity: 'info',
    code: 'file-skipped',
    message: `Python file not indexed: ${why}`,
  });
  return facts;
}

export async function readPythonFile(file: string, text: string, moduleName: string, isPackageInit: boolean): Promise<CodeFileFacts> {
  if (text.length > MAX_PYTHON_CHARS) {
    return skipped(file, moduleName, `${Math.round(text.length / 1024 / 1024)} MB is over the ${MAX_PYTHON_CHARS / 1024 / 1024} MB limit`);
  }
  const source = blankUninteresting(text);
  if (pythonTooDeep(source)) {
    return skipped(file, moduleName, `brackets nested more than ${MAX_PYTHON_NESTING} deep (Python itself refuses that): too deep to index`);
  }
  let tree: Tree | null = null;
  let wasRepaired = false;
  try {
    const p = await getParser();
    // one budget for both parses (the file, then its repaired copy), not one each
    const deadline = performance.now() + PARSE_BUDGET_MS;
    tree = parseWithin(p, source, PARSE_BUDGET_MS);
    if (!tree) return emptyPythonFacts(file, moduleName);
    if (tree.rootNode.hasError) {
      const repaired = repairPython(source);
      if (repaired !== source) {
        const t2 = parseWithin(p, repaired, Math.max(0, deadline - performance.now()));
        if (t2) {
          tree.delete();
          tree = t2;
          wasRepaired = true;
        }
      }
    }
    const facts = extract(file, tree.rootNode, p.language!, moduleName, isPackageInit);
    if (wasRepaired || tree.rootNode.hasError) clampRanges(facts, file, text);
    return facts;
  } catch (err) {
    if (err instanceof TooComplexError) return skipped(file, moduleName, err.message);
    // the parser could not load (a missing .wasm) or a reader bug: say so on the file, never index it silently as empty
    return skipped(file, moduleName, `the Python reader failed: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    tree?.delete();
  }
}

interface Collected {
  imports: Node[];
  decorated: Node[];
  classes: Node[];
  calls: Node[];
}

const QUERY_SOURCE = `
(call) @call
(decorated_definition) @decorated
(class_definition) @class
(import_statement) @import
(import_from_statement) @import
`;

let query: Query | undefined;

/** The node kinds the reader looks at, in document order (a query runs inside wasm: far faster than walking; bounded in time). */
function collect(root: Node, language: Language): Collected {
  query ??= new Query(language, QUERY_SOURCE);
  const out: Collected = { imports: [], decorated: [], classes: [], calls: [] };
  for (const cap of capturesWithin(query, root)) {
    const node = cap.node;
    if (cap.name === 'call') out.calls.push(node);
    else if (cap.name === 'decorated') out.decorated.push(node);
    else if (cap.name === 'class') out.classes.push(node);
    else out.imports.push(node);
  }
  // outer before inner (AssetKey("x").with_prefix("p") starts where its AssetKey does)
  const order = (a: Node, b: Node) => a.startIndex - b.startIndex || b.endIndex - a.endIndex;
  out.calls.sort(order);
  out.decorated.sort(order);
  out.classes.sort(order);
  out.imports.sort(order);
  return out;
}

/** Statements at module level, looking into top-level `if` / `try` blocks (TYPE_CHECKING, optional imports). */
function moduleStatements(root: Node): Node[] {
  const out: Node[] = [];
  const visit = (block: Node, depth: number) => {
    for (const s of namedChildren(block)) {
      if (depth < 3 && (s.type === 'if_statement' || s.type === 'try_statement' || s.type === 'else_clause' || s.type === 'elif_clause' || s.type === 'except_clause' || s.type === 'finally_clause' || s.type === 'block')) {
        visit(s, depth + 1);
      } else out.push(s);
    }
  };
  visit(root, 0);
  return out;
}

function extract(file: string, root: Node, language: Language, module: string, isPackageInit: boolean): CodeFileFacts {
  const scope = new ModuleScope(module, isPackageInit);
  const ctx = new ReadContext(file, scope);
  const nodes = collect(root, language);
  for (const imp of nodes.imports) scope.addImport(imp);

  const assignments: { target: Node; value: Node }[] = [];
  for (const s of moduleStatements(root)) {
    if (s.type === 'function_definition' || s.type === 'class_definition') {
      const name = s.childForFieldName('name');
      if (name) scope.localDefs.add(name.text);
    } else if (s.type === 'decorated_definition') {
      const name = s.childForFieldName('definition')?.childForFieldName('name');
      if (name) scope.localDefs.add(name.text);
    } else if (s.type === 'expression_statement') {
      const a = namedChildren(s)[0];
      const target = a?.type === 'assignment' ? a.childForFieldName('left') : null;
      const value = a?.type === 'assignment' ? a.childForFieldName('right') : null;
      if (target && value) {
        scope.addAssignment(target, value);
        assignments.push({ target, value });
      }
    }
  }
  for (const { target, value } of assignments) recordModulePartitions(ctx, target, value);

  const translators = new Map<string, TranslatorFact>();
  for (const cls of nodes.classes) {
    const t = readTranslatorClass(ctx, cls, translators);
    if (t) {
      translators.set(t.name, t);
      ctx.facts.translators.push(t);
      // keys a translator builds are its output, not references to other assets
      for (const call of nodes.calls) {
        if (call.startIndex >= cls.startIndex && call.endIndex <= cls.endIndex) ctx.consume(call);
      }
    }
  }

  for (const d of nodes.decorated) readDecorated(ctx, d);

  // each call's callee, read once for both passes below (reading it walks the tree through tree-sitter calls)
  const callees = nodes.calls.map((call) => {
    if (ctx.consumed.has(call.id)) return { fn: null, name: null };
    const fn = call.childForFieldName('function');
    return { fn, name: scope.dagsterName(fn) };
  });
  // jobs first: a selection bound to a variable belongs to the job that uses it
  nodes.calls.forEach((call, i) => {
    if (ctx.consumed.has(call.id)) return;
    const name = callees[i].name;
    if (name && JOB_CALLS.includes(name)) readJob(ctx, call);
    else if (name && MATERIALIZE_CALLS.includes(name)) readMaterialize(ctx, call);
  });
  for (const [i, call] of nodes.calls.entries()) {
    if (ctx.consumed.has(call.id)) continue;
    const { fn, name } = callees[i];
    if (name) {
      if (name === 'AssetSpec' || name === 'SourceAsset') readStandaloneSpec(ctx, call);
      else if (name.startsWith('AssetSelection.')) readAssetSelection(ctx, call);
      else if (KEY_CALLS.includes(name) || name === 'get_asset_key_for_model' || name === 'get_asset_key_for_source') readMention(ctx, call);
      else if (PARTITIONS_CLASSES.includes(name)) ctx.consume(call);
    } else if (fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'with_prefix') {
      readMention(ctx, call);
    }
  }

  resolvePendingNames(ctx);
  const sym = ctx.facts.symbols;
  for (const [local, imp] of scope.imports) sym.imports[local] = { ...imp };
  for (const used of ctx.usedNames) {
    if (!used.includes('.') || sym.imports[used]) continue;
    const origin = scope.origin(used);
    if (origin) sym.imports[used] = origin;
  }
  for (const [k, v] of scope.constants) sym.constants[k] = v;
  return ctx.facts;
}

function readDecorated(ctx: ReadContext, decorated: Node): void {
  const def = decorated.childForFieldName('definition');
  if (!def || def.type !== 'function_definition') return;
  for (const dec of namedChildren(decorated)) {
    if (dec.type !== 'decorator') continue;
    const expr = namedChildren(dec)[0];
    if (!expr) continue;
    const call = expr.type === 'call' ? expr : null;
    const name = ctx.scope.dagsterName(call ? call.childForFieldName('function') : expr);
    if (!name) continue;
    if (call) ctx.consume(call);
    if (ASSET_DECORATORS.includes(name)) readAssetDecorator(ctx, decorated, def, call);
    else if (name === 'asset_check') readAssetCheck(ctx, call);
    else if (MULTI_ASSET_DECORATORS.includes(name)) readMultiAsset(ctx, decorated, def, call);
    else if (DBT_ASSETS_DECORATORS.includes(name)) readDbtAssets(ctx, def, call);
    else continue;
    return;
  }
}

/**
 * `deps=[upstream_fn]`: a function defined in this file resolves to its key
 * here (form 'deps'); other names stay `deps_name` with the name's last
 * segment as a provisional key, for the linker to resolve through
 * `symbols.imports` and the other module's `symbols.definitions`.
 */
function resolvePendingNames(ctx: ReadContext): void {
  for (const { ref, name } of ctx.pendingNames) {
    ref.definitionName = name;
    const local: AssetKey[] | undefined = !name.includes('.') ? ctx.localKeys.get(name) : undefined;
    if (local && local.length === 1) {
      ref.target = { kind: 'key', key: [...local[0]] };
      ref.form = 'deps';
      continue;
    }
    const origin = ctx.scope.origin(name);
    if (origin && origin.name) ref.target = { kind: 'key', key: [origin.name] };
    if (name.includes('.')) ctx.usedNames.add(name);
  }
}
