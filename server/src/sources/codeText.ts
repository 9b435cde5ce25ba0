import type { CodeFileFacts } from '../model/code';
import { readPythonFile } from './python';
import { readTypeScriptFile, type TsCallNames } from './typescript';

/**
 * One Python or TypeScript file's text → facts, the part of reading a code
 * file that needs nothing but the text: the same function runs on the
 * language server's thread and in the reader threads (workspace/readerPool),
 * so both give the same facts.
 */
export type CodeTextJob =
  | { language: 'python'; file: string; module: string; isPackageInit: boolean }
  | { language: 'typescript'; file: string; callNames?: Record<string, string[]> };

export type CodeTextOutcome =
  | { kind: 'facts'; facts: CodeFileFacts }
  /** nothing a reader looks for (no Dagster-ish word): not parsed */
  | { kind: 'no-assets' }
  | { kind: 'binary' }
  /** a reader threw (they should not: each turns its own failures into a file-skipped info) */
  | { kind: 'failed'; message: string };

/** Cheap pre-filters: a file that cannot define or reference assets is not parsed. */
const PYTHON_HINT = /dagster|PartitionsDefinition|AssetKey|AssetSpec/;
const TS_HINT_DEFAULT = /dagster|AssetKey|PartitionsDefinition|asset\s*\(|multiAsset|assetSpec|AssetSpec|defineAssetJob|materialize|reportAsset/;

const tsHints = new Map<string, RegExp>();
/** The TypeScript pre-filter, with the user's own call names (the `typescriptCallNames` setting) added. */
function tsHint(callNames: Record<string, string[]> | undefined): RegExp {
  const names = Object.values(callNames ?? {}).flat();
  if (names.length === 0) return TS_HINT_DEFAULT;
  const id = names.join('\u0000');
  let hint = tsHints.get(id);
  if (!hint) {
    hint = new RegExp(`${TS_HINT_DEFAULT.source}|${names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')}`);
    tsHints.set(id, hint);
  }
  return hint;
}

export async function readCodeText(job: CodeTextJob, text: string): Promise<CodeTextOutcome> {
  if (text.includes('\u0000')) return { kind: 'binary' };
  try {
    if (job.language === 'python') {
      if (!PYTHON_HINT.test(text)) return { kind: 'no-assets' };
      return { kind: 'facts', facts: await readPythonFile(job.file, text, job.module, job.isPackageInit) };
    }
    if (!tsHint(job.callNames).test(text)) return { kind: 'no-assets' };
    return { kind: 'facts', facts: await readTypeScriptFile(job.file, text, { callNames: job.callNames as Partial<TsCallNames> | undefined }) };
  } catch (err) {
    return { kind: 'failed', message: err instanceof Error ? err.message : String(err) };
  }
}
