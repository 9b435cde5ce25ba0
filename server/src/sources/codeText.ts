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

/** What a warm-up reads: the constructs of a typical asset file, so the reader's code is compiled before it counts. */
export const WARM_UP_TEXT: Record<CodeTextJob['language'], string> = {
  python: `from dagster import AssetIn, AssetKey, DailyPartitionsDefinition, asset, define_asset_job
daily = DailyPartitionsDefinition(start_date="2024-01-01")
@asset(deps=[AssetKey(["raw", "trips"]), "zones"], partitions_def=daily, group_name="warm")
def warm_up(context):
    """Warm-up."""
    ...
@asset(ins={"up": AssetIn(key="warm_up")})
def warm_down(up):
    ...
warm_job = define_asset_job("warm_job", selection=["warm_up", "warm_down"])
`,
  typescript: `import { asset, defineAssetJob } from "./dagster";
export const warmUp = asset({ key: ["raw", "warm_up"], deps: ["zones"], group: "warm" }, async () => {});
export const warmJob = defineAssetJob({ name: "warm_job", selection: ["warm_up"] });
`,
};

/**
 * Loads a language's parser and runs its reader a few times on a sample, so
 * that the first file that counts (the first save after an index whose files
 * were all read on reader threads) finds both ready. Never rejects.
 */
export async function warmUpReader(language: CodeTextJob['language']): Promise<void> {
  const job: CodeTextJob = language === 'python' ? { language, file: 'warm_up.py', module: 'warm_up', isPackageInit: false } : { language, file: 'warm_up.ts' };
  for (let i = 0; i < 3; i++) await readCodeText(job, WARM_UP_TEXT[language]);
}
