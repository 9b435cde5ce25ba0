import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Parser, Language, type Node, type Query, type QueryCapture, type Tree } from 'web-tree-sitter';

/**
 * Loads web-tree-sitter and the grammars once per process. The .wasm files
 * ship in dist/ next to the bundle (scripts/build.mjs copies them); when
 * running from sources (tests), they come from node_modules.
 */
export type GrammarName = 'python' | 'typescript' | 'tsx';

const GRAMMAR_FILES: Record<GrammarName, [string, string]> = {
  python: ['tree-sitter-python', 'tree-sitter-python.wasm'],
  typescript: ['tree-sitter-typescript', 'tree-sitter-typescript.wasm'],
  tsx: ['tree-sitter-typescript', 'tree-sitter-tsx.wasm'],
};

function locate(pkg: string, file: string): string {
  const candidates = [
    join(__dirname, file),
    join(__dirname, '..', file),
    join(process.cwd(), 'dist', file),
  ];
  for (let dir = __dirname, i = 0; i < 8; i++, dir = join(dir, '..')) {
    candidates.push(join(dir, 'node_modules', pkg, file));
  }
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new Error(`cannot find ${file} (looked next to ${__dirname} and in node_modules/${pkg})`);
  return found;
}

let initPromise: Promise<void> | undefined;
const languages = new Map<GrammarName, Promise<Language>>();

export function initTreeSitter(): Promise<void> {
  initPromise ??= Parser.init({
    locateFile: (name: string) => locate('web-tree-sitter', name),
  });
  return initPromise;
}

export async function loadGrammar(name: GrammarName): Promise<Language> {
  await initTreeSitter();
  let lang = languages.get(name);
  if (!lang) {
    const [pkg, file] = GRAMMAR_FILES[name];
    // bytes, not a path: given a path, web-tree-sitter reads it through a
    // dynamic import(), which a script run from V8's code cache cannot make
    // (see codeCache.ts)
    lang = Language.load(readFileSync(locate(pkg, file)));
    languages.set(name, lang);
  }
  return lang;
}

/** A parser for one grammar. Parsers are cheap; reuse one per reader. */
export async function createParser(name: GrammarName): Promise<Parser> {
  const lang = await loadGrammar(name);
  const parser = new Parser();
  parser.setLanguage(lang);
  return parser;
}

/**
 * Time budgets. tree-sitter's error recovery and its query cursor can slow
 * to a crawl (tens of seconds) on deeply nested broken code; an editor must
 * not wait that long for one file, so work past its budget is abandoned and
 * the reader reports the file as too complex to index.
 */
export const PARSE_BUDGET_MS = 5_000;
export const QUERY_BUDGET_MS = 3_000;

/** Thrown when a parse or query overran its budget; readers turn it into a `file-skipped` diagnostic. */
export class TooComplexError extends Error {
  constructor(what: string, budgetMs: number) {
    super(`${what} took over ${budgetMs / 1000} s: too complex to index`);
  }
}

/** `parser.parse(text)` stopped after `budgetMs`; throws TooComplexError then. */
export function parseWithin(parser: Parser, text: string, budgetMs = PARSE_BUDGET_MS): Tree | null {
  const deadline = performance.now() + budgetMs;
  let over = false;
  const tree = parser.parse(text, null, { progressCallback: () => (over = performance.now() > deadline) });
  if (over) {
    tree?.delete();
    // a cancelled parse would otherwise resume on the parser's next call
    parser.reset();
    throw new TooComplexError('parsing', budgetMs);
  }
  return tree;
}

/**
 * Every capture of `query` under `node`, stopped after `budgetMs` (throws
 * TooComplexError then). Runs `matches`, not `captures`: captures come back
 * in document order, which the cursor pays for on deep trees, and its
 * progress callback is never called; callers sort anyway.
 */
export function capturesWithin(query: Query, node: Node, budgetMs = QUERY_BUDGET_MS): QueryCapture[] {
  const deadline = performance.now() + budgetMs;
  let over = false;
  const matches = query.matches(node, { progressCallback: () => (over = performance.now() > deadline) });
  if (over) throw new TooComplexError('the syntax query', budgetMs);
  return matches.flatMap((m) => m.captures);
}
