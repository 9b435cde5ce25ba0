/**
 * Completion of asset keys, dbt model names and dbt sources inside string
 * literals in key positions (see completionContext.ts for which ones).
 * Items replace the whole partial string between the quotes, so accepting
 * one after typing "dai" or "raw/ta" yields exactly the key.
 */
import type * as lsp from 'vscode-languageserver';
import { dirname } from 'node:path';
import type { Asset } from '../model/asset';
import { kindLabel } from '../model/asset';
import type { DbtNode } from '../model/dbt';
import { LineIndex, type Position } from '../model/location';
import { partitionsBadge } from '../model/partitions';
import { completionContextAt, type CompletionLanguage, type KeyCompletionContext } from './completionContext';
import { displayPath } from './hover';
import { CandidateCache, RankedCandidates, type Candidate } from './completionRank';
import { allDbtNodes, assetForDbtNode, isInsideDir, projectOf, REFABLE, type IndexSnapshot } from './snapshot';

export const COMPLETION_TRIGGERS = ['"', "'", '/', '[', '(', ','];

/** LSP CompletionItemKind numbers */
const KIND_MODULE = 9;
const KIND_FIELD = 5;
const KIND_VALUE = 12;
const KIND_FOLDER = 19;

export interface CompletionInput {
  snapshot: IndexSnapshot;
  file: string;
  text: string;
  language: CompletionLanguage;
  position: Position;
  roots: string[];
}

/**
 * At most this many items per answer. With 100k keys in the index, sending
 * every one (with its documentation) costs a second per keystroke; the best
 * matches of what was typed go out with `isIncomplete`, so the editor asks
 * again as the user types on.
 */
export const MAX_COMPLETION_ITEMS = 500;

/**
 * Detail and documentation are filled only for the items actually sent: with
 * 100k keys, a partitions badge for every candidate is most of a request.
 */
const lazyFill = new WeakMap<lsp.CompletionItem, () => void>();
/** multi-part items: the text that replaces the whole literal */
const multiPartText = new WeakMap<lsp.CompletionItem, string>();

export function completionsAt(input: CompletionInput): lsp.CompletionList | null {
  const index = new LineIndex(input.text);
  const offset = index.offsetAt(input.position);
  const ctx = completionContextAt(input.text, input.language, offset);
  if (!ctx) return null;
  let start = index.positionAt(ctx.replaceStart);
  const end = index.positionAt(ctx.replaceEnd);
  // Clients want the replace range on the cursor's line (a multi-line string is rare here).
  if (start.line !== input.position.line) start = { line: input.position.line, character: 0 };
  const range: lsp.Range = { start, end: end.line === input.position.line ? end : input.position };
  const typed = ctx.prefix.toLowerCase();
  const literal = literalRange(ctx, input, index);
  const ranked = cache.get(input.snapshot, cacheKey(ctx, input), () => candidatesFor(ctx, input));
  const total = ranked.count(literal !== undefined);
  const incomplete = total > MAX_COMPLETION_ITEMS;
  // Too many to send: what matches the typed text, prefix matches and then
  // what the sortText ranks first (same file, same folder, same project).
  const chosen = incomplete ? ranked.top(typed, MAX_COMPLETION_ITEMS, literal !== undefined) : ranked.all.filter((c) => literal || !c.wholeLiteral);
  const sent = chosen.map((c) => {
    const fill = lazyFill.get(c.item);
    if (fill) {
      lazyFill.delete(c.item);
      fill();
    }
    // multi-part items replace the whole literal; the others the typed text
    return { ...c.item, textEdit: c.wholeLiteral ? { range: literal!, newText: multiPartText.get(c.item)! } : { range, newText: c.item.label } };
  });
  return { isIncomplete: incomplete, items: sent };
}

const cache = new CandidateCache<IndexSnapshot>();

/** What the candidates depend on besides the snapshot: the file (ranking), the context, and how AssetKey is spelled. */
function cacheKey(ctx: KeyCompletionContext, input: CompletionInput): string {
  const ctor = input.language === 'python' ? pythonAssetKeyName(input.text) : '';
  return JSON.stringify([input.file, input.language, input.roots, ctx.kind, ctx.form, ctx.quote, ctx.partIndex, ctx.previousParts, ctx.sourceName, ctx.packageName, ctx.modelName, ctor]);
}

function candidatesFor(ctx: KeyCompletionContext, input: CompletionInput): RankedCandidates {
  const env = environment(input);
  const items = itemsFor(ctx, input, env).filter((i) => !i.label.includes(ctx.quote));
  const out: Candidate[] = [];
  const text = (i: lsp.CompletionItem) => (i.filterText ?? i.label).toLowerCase().replace(/^["'`]/, '');
  for (const item of items) {
    item.filterText ??= item.label;
    out.push({ item, text: text(item), wholeLiteral: false });
  }
  // built even when this request's literal spans lines: the next request's may not
  for (const item of multiPartItems(ctx, input, env)) out.push({ item, text: text(item), wholeLiteral: true });
  return new RankedCandidates(out);
}

/** The whole literal, when it is on the cursor's line (multi-part items replace it). */
function literalRange(ctx: KeyCompletionContext, input: CompletionInput, index: LineIndex): lsp.Range | undefined {
  const start = index.positionAt(ctx.literalStart);
  const end = index.positionAt(ctx.literalEnd);
  return start.line === input.position.line && end.line === input.position.line ? { start, end } : undefined;
}

/** Per-request facts every item's ranking needs, computed once. */
interface CompletionEnv {
  dir: string;
  projectRoot?: string;
  ownNodes: Set<DbtNode>;
}

function environment(input: CompletionInput): CompletionEnv {
  const project = projectOf(input.snapshot, input.file);
  return { dir: dirname(input.file), projectRoot: project?.root, ownNodes: new Set(project?.nodes ?? []) };
}

/** Forms where a string is one key part but a list / AssetKey([...]) may stand instead. */
const ONE_PART_FORMS = new Set(['deps', 'asset_in', 'asset_dep']);

/** How this Python file spells AssetKey: `AssetKey`, or `dg.AssetKey` after `import dagster as dg`. */
function pythonAssetKeyName(text: string): string {
  if (/^\s*from\s+dagster\s+import\s+[^\n]*\bAssetKey\b/m.test(text) || /^\s*from\s+dagster\s+import\s*\([^)]*\bAssetKey\b/m.test(text)) return 'AssetKey';
  const alias = /^\s*import\s+dagster\s+as\s+(\w+)/m.exec(text);
  if (alias) return `${alias[1]}.AssetKey`;
  if (/^\s*import\s+dagster\s*$/m.test(text)) return 'dagster.AssetKey';
  return 'AssetKey';
}

/**
 * A string in deps= is ONE key part, so a multi-part key cannot be typed
 * there: offer it as a replacement of the whole literal by its parts —
 * `AssetKey(["a", "b"])` in Python, `["a", "b"]` in TypeScript.
 */
function multiPartItems(ctx: KeyCompletionContext, input: CompletionInput, env: CompletionEnv): lsp.CompletionItem[] {
  if (ctx.kind !== 'key-single' || !ONE_PART_FORMS.has(ctx.form) || input.language === 'sql') return [];
  const q = ctx.quote === '`' ? '"' : ctx.quote;
  const ctor = input.language === 'python' ? pythonAssetKeyName(input.text) : '';
  const out: lsp.CompletionItem[] = [];
  for (const a of input.snapshot.graph.assets.values()) {
    if (a.key.length < 2 || a.key.some((p) => p.includes(q) || p.includes('\\'))) continue;
    const list = `[${a.key.map((p) => q + p + q).join(', ')}]`;
    const newText = ctor ? `${ctor}(${list})` : list;
    const item = assetItem(a, a.id, input, env);
    const fill = lazyFill.get(item)!;
    lazyFill.set(item, () => {
      fill();
      item.detail = `${newText} · ${item.detail}`;
    });
    item.filterText = ctx.quote + a.id;
    multiPartText.set(item, newText);
    out.push(item);
  }
  return out;
}

function itemsFor(ctx: KeyCompletionContext, input: CompletionInput, env: CompletionEnv): lsp.CompletionItem[] {
  const s = input.snapshot;
  switch (ctx.kind) {
    case 'key-path':
      return [...s.graph.assets.values()].map((a) => assetItem(a, a.id, input, env));
    case 'key-single':
      return [...s.graph.assets.values()].filter((a) => a.key.length === 1).map((a) => assetItem(a, a.key[0], input, env));
    case 'key-part':
      return keyPartItems(ctx, input, env);
    case 'dbt-model':
      return dbtModelItems(ctx, input, env);
    case 'dbt-model-version':
      return allDbtNodes(s, input.file)
        .filter((n) => REFABLE.has(n.resourceType) && n.name === ctx.modelName && n.version !== undefined)
        .map((n) => ({
          label: String(n.version),
          kind: KIND_VALUE,
          detail: String(n.version) === String(n.latestVersion) ? 'latest version' : `version of ${n.name}`,
        }));
    case 'dbt-source':
      return dbtSourceItems(input, env);
    case 'dbt-source-table':
      return allDbtNodes(s, input.file)
        .filter((n) => n.resourceType === 'source' && n.sourceName === ctx.sourceName)
        .map((n, i) => dbtNodeItem(n, n.name, input, i, env));
  }
}

/** 0 = defined in this file, 1 = same directory, 2 = same dbt project / root area, 3 = elsewhere. */
function proximity(a: Asset, input: CompletionInput, env: CompletionEnv): number {
  if (a.locations.some((l) => l.file === input.file)) return 0;
  if (a.locations.some((l) => dirname(l.file) === env.dir)) return 1;
  const root = env.projectRoot;
  if (root && a.locations.some((l) => isInsideDir(root, l.file))) return 2;
  return 3;
}

function assetDoc(a: Asset, input: CompletionInput): lsp.MarkupContent {
  const lines = [`**${a.id}** — ${kindLabel(a.kind)}`];
  const badge = partitionsBadge(a.partitions);
  const facts = [];
  if (badge) facts.push(`partitions: ${badge}`);
  if (a.group) facts.push(`group: \`${a.group}\``);
  if (facts.length) lines.push('', facts.join(' · '));
  if (a.description) lines.push('', a.description);
  if (a.locations[0]) lines.push('', `\`${displayPath(a.locations[0].file, input.roots)}\``);
  return { kind: 'markdown', value: lines.join('\n') };
}

function assetItem(a: Asset, label: string, input: CompletionInput, env: CompletionEnv): lsp.CompletionItem {
  const item: lsp.CompletionItem = {
    label,
    kind: a.kind.startsWith('dbt') ? KIND_FIELD : KIND_VALUE,
    sortText: `${proximity(a, input, env)}_${label}`,
    filterText: label,
  };
  lazyFill.set(item, () => {
    item.detail = [kindLabel(a.kind), partitionsBadge(a.partitions)].filter(Boolean).join(' · ');
    item.documentation = assetDoc(a, input);
  });
  return item;
}

function keyPartItems(ctx: KeyCompletionContext, input: CompletionInput, env: CompletionEnv): lsp.CompletionItem[] {
  const i = ctx.partIndex ?? 0;
  const prev = ctx.previousParts ?? [];
  const byPart = new Map<string, Asset[]>();
  for (const a of input.snapshot.graph.assets.values()) {
    if (a.key.length <= i) continue;
    if (!prev.every((p, k) => p === undefined || a.key[k] === p)) continue;
    const list = byPart.get(a.key[i]) ?? [];
    list.push(a);
    byPart.set(a.key[i], list);
  }
  const out: lsp.CompletionItem[] = [];
  for (const [part, assets] of byPart) {
    const exact = assets.find((a) => a.key.length === i + 1);
    if (exact && assets.length === 1) {
      out.push(assetItem(exact, part, input, env));
      continue;
    }
    out.push({
      label: part,
      kind: exact ? KIND_VALUE : KIND_FOLDER,
      detail: `key part · ${assets.length} key${assets.length === 1 ? '' : 's'}`,
      documentation: { kind: 'markdown', value: assets.slice(0, 20).map((a) => `- \`${a.id}\``).join('\n') },
      sortText: `${Math.min(...assets.map((a) => proximity(a, input, env)))}_${part}`,
    });
  }
  return out;
}

function dbtNodeItem(n: DbtNode, label: string, input: CompletionInput, order: number, env: CompletionEnv): lsp.CompletionItem {
  const asset = assetForDbtNode(input.snapshot, n.uniqueId, n);
  const local = env.ownNodes.has(n);
  const typeRank = n.resourceType === 'model' || n.resourceType === 'source' ? 0 : 1;
  const item: lsp.CompletionItem = {
    label,
    kind: n.resourceType === 'source' ? KIND_FIELD : KIND_MODULE,
    detail: `dbt ${n.resourceType}${asset ? ` → ${asset.id}` : ''}`,
    sortText: `${local ? 0 : 1}${typeRank}_${label}_${String(order).padStart(5, '0')}`,
  };
  lazyFill.set(item, () => {
    const lines = [`**${label}** — dbt ${n.resourceType} in \`${n.packageName}\``];
    if (asset) {
      const badge = partitionsBadge(asset.partitions);
      lines.push('', `asset key \`${asset.id}\`${badge ? ` · ${badge}` : ''}`);
    }
    if (n.description) lines.push('', n.description);
    if (n.locations[0]) lines.push('', `\`${displayPath(n.locations[0].file, input.roots)}\``);
    item.documentation = { kind: 'markdown', value: lines.join('\n') };
  });
  return item;
}

function dbtModelItems(ctx: KeyCompletionContext, input: CompletionInput, env: CompletionEnv): lsp.CompletionItem[] {
  const seen = new Set<string>();
  const out: lsp.CompletionItem[] = [];
  allDbtNodes(input.snapshot, input.file).forEach((n, i) => {
    if (!REFABLE.has(n.resourceType)) return;
    if (ctx.packageName && n.packageName !== ctx.packageName) return;
    // Python lookups take model names only.
    if (ctx.form === 'model_lookup' && n.resourceType !== 'model') return;
    if (seen.has(n.name)) return;
    seen.add(n.name);
    out.push(dbtNodeItem(n, n.name, input, i, env));
  });
  return out;
}

function dbtSourceItems(input: CompletionInput, env: CompletionEnv): lsp.CompletionItem[] {
  const tables = new Map<string, DbtNode[]>();
  for (const n of allDbtNodes(input.snapshot, input.file)) {
    if (n.resourceType !== 'source' || !n.sourceName) continue;
    const list = tables.get(n.sourceName) ?? [];
    list.push(n);
    tables.set(n.sourceName, list);
  }
  return [...tables].map(([name, nodes]) => ({
    label: name,
    kind: KIND_MODULE,
    detail: `dbt source · ${nodes.length} table${nodes.length === 1 ? '' : 's'}`,
    documentation: { kind: 'markdown', value: nodes.map((n) => `- \`${n.name}\``).join('\n') },
    sortText: `${env.ownNodes.has(nodes[0]) ? 0 : 1}_${name}`,
  }));
}
