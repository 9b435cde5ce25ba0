import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Parser, Language } from 'web-tree-sitter';

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
    lang = Language.load(locate(pkg, file));
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
