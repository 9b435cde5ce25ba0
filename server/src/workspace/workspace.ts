import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { CodeFileFacts, DbtProjectFacts, Diagnostic } from '../model';
import { AssetGraph } from '../model';
import { analyzeWorkspace, type AnalysisResult, type WorkspaceFacts } from '../analysis/buildGraph';
import { preparePatching, relinkCodeFile } from '../analysis/relinkCodeFile';
import { relinkDbtProject } from '../analysis/relinkDbtProject';
import { DbtProjectCache, DEFAULT_MAX_MANIFEST_BYTES, loadDbtProject } from '../sources/dbt/project';
import { availableParallelism } from 'node:os';
import { holdsProjectFiles, knownProjectFiles, statSignature } from '../sources/dbt/projectFileState';
import { isInsideNormalised } from '../sources/fileSource';
import { pythonModuleName } from '../sources/python';
import { readCodeText, warmUpReader, type CodeTextJob } from '../sources/codeText';
import { readComponentYaml } from '../sources/componentYaml';
import { DiskFileSource } from './diskFileSource';
import { ContainedFileSource } from './containedFileSource';
import { PassMemoFileSource } from './passMemoFileSource';
import { KeptManifestReads } from './keptManifestReads';
import { MANIFEST_THREAD_MIN_BYTES, ManifestScanThread } from './manifestScanThread';
import { WhenQuiet } from './whenQuiet';
import { prepareCandidates } from '../analysis/suggest';
import type { KeptReadContext } from './manifestReadStore';
import { discover, discoverUnder, FileClassifier, toRel, type FileRole } from './discovery';
import { folderChanges } from './folderEvents';
import { withDefaults, type WorkspaceSettings } from './settings';
import { ReaderThreads, readerThreadsFor, type PooledJob, type ThreadOutcome } from './readerPool';

export type IndexProgress = (done: number, total: number, message: string) => void;

/** A name a dbt project walk reads (its extensions, in any case: projectFileState.ts) */
const PROJECT_FILE_NAME = /\.(sql|ya?ml|csv)$/i;

export interface CancellationFlag {
  readonly isCancellationRequested: boolean;
}

export interface Snapshot {
  version: number;
  graph: AssetGraph;
  /** by absolute file path, every code; a file's array may be shared with other snapshots (never change one) */
  diagnostics: ReadonlyMap<string, readonly Diagnostic[]>;
  dbtProjects: DbtProjectFacts[];
  codeFiles: Map<string, CodeFileFacts>;
  /** `${from}->${to}` → message for edges with a partition problem */
  edgeProblems: Map<string, string>;
  roots: string[];
}

interface DbtEntry {
  facts: DbtProjectFacts;
  diagnostics: Diagnostic[];
}

function emptySnapshot(roots: string[]): Snapshot {
  return {
    version: 0,
    graph: new AssetGraph(),
    diagnostics: new Map(),
    dbtProjects: [],
    codeFiles: new Map(),
    edgeProblems: new Map(),
    roots,
  };
}

/**
 * The indexed state of a set of workspace roots. Keeps each file's facts so
 * a change re-reads only that file (or that dbt project), then relinks the
 * graph, which is cheap. Work is serialised: a change that arrives while an
 * index is running waits for it, and every snapshot is complete.
 */
export class AssetWorkspace {
  /** the underlying source, where open documents are overlaid */
  readonly fs: DiskFileSource;
  /** what every reader sees: `fs` confined to the roots */
  private readonly files: ContainedFileSource;
  /** stats, listings and real paths remembered while a pass runs */
  private readonly memo: PassMemoFileSource;
  readonly roots: string[];
  private settings: WorkspaceSettings;
  private classifier: FileClassifier;
  private readonly log: (line: string) => void;
  private readonly code = new Map<string, CodeFileFacts>();
  private readonly codeDiagnostics = new Map<string, Diagnostic[]>();
  private readonly dbt = new Map<string, DbtEntry>();
  /** per dbt project: the manifest and file scans of the last load, reused for what did not change */
  private readonly dbtCaches = new Map<string, DbtProjectCache>();
  /** files whose editor buffer was set or dropped since their dbt project last loaded (see filesChanged) */
  private readonly buffersSinceLoad = new Set<string>();
  private current: Snapshot;
  /** the link behind `current`, which a one-file change may patch */
  private linked?: AnalysisResult;
  /** how the last snapshot was linked: the whole workspace, or one code file patched in */
  lastLink: 'full' | 'patched' = 'full';
  private queue: Promise<unknown> = Promise.resolve();
  private version = 0;
  /** manifest reads kept between sessions (the `keptReadsDir` option) */
  private readonly kept?: KeptManifestReads;
  /** the editor's quiet time, for work that can wait (saving a kept read, did-you-mean lists of a new link) */
  private readonly idle = new WhenQuiet();
  /** kept reads are used by the first index only: a later full index (the command, new settings) reads afresh */
  private useKeptReads = true;
  /** at most this many reader threads (0: every file is read on this thread); default one per core, up to 4 (readerPool.ts) */
  private readonly readerThreads?: number;
  /** the reader threads' script, and the files each thread needs (tests give others) */
  private readonly readerWorkerFile?: string;
  private readonly readerFilesPerThread?: number;
  /** manifests from this size are scanned on a thread during a first index (undefined: never); and the thread's script */
  private readonly manifestScanFromBytes?: number;
  private readonly manifestScanWorkerFile?: string;
  /** scans started by scanManifestAhead in the index under way, by manifest path, until a load takes them */
  private readonly scansAhead = new Map<string, ManifestScanThread>();
  /** the reader threads of the pass under way, if any (stopped when the workspace is dropped) */
  private readingThreads?: ReaderThreads;
  private disposed = false;

  /**
   * `keptReadsDir`: a directory of the editor's storage where manifest reads
   * are kept between sessions (the language server passes it); reopening a
   * project whose manifest is unchanged then skips reading it.
   */
  constructor(opts: {
    roots: string[];
    settings?: Partial<WorkspaceSettings>;
    log?: (line: string) => void;
    fs?: DiskFileSource;
    keptReadsDir?: string;
    readerThreads?: number;
    readerWorkerFile?: string;
    readerFilesPerThread?: number;
    /** false: every manifest is read on this thread; default from MANIFEST_THREAD_MIN_BYTES with two cores or more (tests give less) */
    manifestScanThread?: false | { fromBytes?: number; workerFile?: string };
  }) {
    const scanThread = opts.manifestScanThread ?? (availableParallelism() >= 2 ? {} : false);
    if (scanThread) {
      this.manifestScanFromBytes = scanThread.fromBytes ?? MANIFEST_THREAD_MIN_BYTES;
      this.manifestScanWorkerFile = scanThread.workerFile;
    }
    this.readerThreads = opts.readerThreads;
    this.readerWorkerFile = opts.readerWorkerFile;
    this.readerFilesPerThread = opts.readerFilesPerThread;
    this.roots = opts.roots.map((r) => resolve(r));
    this.settings = withDefaults(opts.settings);
    this.classifier = new FileClassifier(this.settings);
    this.log = opts.log ?? (() => undefined);
    this.fs = opts.fs ?? new DiskFileSource();
    this.memo = new PassMemoFileSource(this.fs);
    this.files = new ContainedFileSource(this.memo, this.roots, this.log);
    this.current = emptySnapshot(this.roots);
    if (opts.keptReadsDir) this.kept = new KeptManifestReads(opts.keptReadsDir, this.log, this.idle);
  }

  get snapshot(): Snapshot {
    return this.current;
  }

  /** The facts the current snapshot was linked from (tests compare a patched link with a full one). */
  get linkedFacts(): WorkspaceFacts | undefined {
    return this.linked?.link.facts;
  }

  private serial<T>(job: () => Promise<T>): Promise<T> {
    const pass = () => this.memo.during(job);
    const next = this.queue.then(pass, pass);
    this.queue = next.then(
      () => undefined,
      () => undefined,
    );
    return next;
  }

  indexAll(progress?: IndexProgress, token?: CancellationFlag): Promise<Snapshot> {
    return this.serial(async () => {
      const started = Date.now();
      this.code.clear();
      this.codeDiagnostics.clear();
      this.dbt.clear();
      this.linked = undefined;
      // a full re-index (the command, new settings) reads everything afresh
      this.dbtCaches.clear();
      this.buffersSinceLoad.clear();
      const found = discover(this.roots, this.files, this.classifier, undefined, (dir) => this.scanManifestAhead(dir));
      const total = found.dbtProjects.length + found.python.length + found.typescript.length + found.componentYaml.length;
      let done = 0;
      const step = (message: string) => progress?.(++done, total, message);
      // code files first: on reader threads, they are read while the dbt projects load here
      const codeRead = this.beginCodeReads([...found.python, ...found.typescript, ...found.componentYaml], (file) => step(this.rel(file)), token);
      for (const root of found.dbtProjects) {
        if (token?.isCancellationRequested) break;
        await this.loadDbt(root);
        step(`dbt project ${this.rel(root)}`);
      }
      await codeRead();
      // scans no load took (a project whose dbt_project.yml went, a cancelled index)
      for (const scan of this.scansAhead.values()) scan.stop();
      this.scansAhead.clear();
      this.useKeptReads = false;
      // the first save after opening a project should not wait for the editor's first quiet moment:
      // the did-you-mean lists of a full index are built with it (10–20 ms at 100k keys, against seconds of indexing)
      const snap = this.relink({ suggestionsNow: true });
      this.log(
        `indexed ${snap.graph.assets.size} assets from ${found.dbtProjects.length} dbt project(s), ${found.python.length} Python and ${found.typescript.length} TypeScript file(s) in ${Date.now() - started} ms`,
      );
      return snap;
    });
  }

  /**
   * A file's text as the index sees it (an open editor's unsaved text first),
   * through the same containment as every reader: undefined outside the roots.
   */
  readText(file: string): string | undefined {
    return this.files.readText(file);
  }

  /** Open-document overlay: unsaved text counts. Call filesChanged([file]) to re-read. */
  setOpenDocument(file: string, text: string | undefined): void {
    this.fs.setOverlay(file, text);
    this.buffersSinceLoad.add(file);
  }

  filesChanged(files: string[]): Promise<Snapshot> {
    return this.serial(async () => {
      // each dbt project to reload, with its files in this change (the rest of its files are as the last load
      // saw them); undefined: every file of the project, walked again
      const projects = new Map<string, string[] | undefined>();
      const codeFiles: string[] = [];
      const unclaimed: string[] = [];
      let rediscover = false;
      for (const file of files) {
        const role = this.roleOf(file);
        const project = this.dbtProjectOf(file);
        const projectFileKind = project !== undefined && PROJECT_FILE_NAME.test(file);
        // SQL or YAML no walk of the project reads (dbt's compiled and run SQL under target/, CI or docker YAML
        // beside it): `dbt run` writes two files per model, a project of 50k models would be read again for them
        if (projectFileKind && role === 'other' && !this.readsProjectFile(project, file)) continue;
        const dbtRoot = role === 'dbtProjectFile' ? dirname(file) : project && (role === 'manifest' || projectFileKind) ? project : undefined;
        if (role === 'dbtProjectFile' && !this.dbt.has(dirname(file))) rediscover = true;
        const list = dbtRoot ? projects.get(dbtRoot) : undefined;
        if (list) list.push(file);
        else if (dbtRoot) projects.set(dbtRoot, [file]);
        if (role === 'python' || role === 'typescript' || role === 'componentYaml') codeFiles.push(file);
        else if (!dbtRoot) unclaimed.push(file);
      }
      // a folder deleted, renamed or moved comes as the folder alone: what it held, or holds now
      const folders = folderChanges(unclaimed, {
        stat: (p) => this.files.stat(p),
        indexedCodeFiles: () => [...this.code.keys(), ...this.codeDiagnostics.keys()],
        dbtProjects: () =>
          [...this.dbt.keys()].map((root) => {
            const state = this.dbtCaches.get(root)?.fileState;
            return { root, dirs: state?.dirs, manifestPath: this.manifestPathFor(root), files: state && knownProjectFiles(state) };
          }),
        holdsProjectFiles: (folder) => holdsProjectFiles(this.files, folder),
      });
      codeFiles.push(...folders.goneFiles);
      for (const root of folders.dbtProjects) projects.set(root, undefined);
      if (folders.newFolders.length) {
        // its files, and any dbt project in it, are found as a first index's walk finds them, walking those folders alone
        const inNew = discoverUnder(this.roots, folders.newFolders, this.files, this.classifier);
        for (const f of [...inNew.python, ...inNew.typescript, ...inNew.componentYaml]) if (!this.code.has(f)) codeFiles.push(f);
        for (const root of inNew.dbtProjects) if (!this.dbt.has(root)) rediscover = true;
      }
      if (projects.size === 0 && codeFiles.length === 0 && !rediscover && this.buffersSinceLoad.size === 0) {
        // nothing the index reads (a log written, a cache folder made): the snapshot stands
        return this.current;
      }
      // many at once (a branch switch): on reader threads, while the dbt projects reload here
      const codeRead = this.beginCodeReads([...new Set(codeFiles)]);
      // an editor buffer opened or closed without an edit (no filesChanged) is a change to its project's next reload
      for (const file of this.buffersSinceLoad) {
        const p = this.dbtProjectOf(file);
        if (p && !projects.has(p)) continue;
        if (p) projects.get(p)?.push(file);
        this.buffersSinceLoad.delete(file);
      }
      for (const [p, changed] of projects) await this.loadDbt(p, true, changed);
      await codeRead();
      if (rediscover) {
        const found = discover(this.roots, this.files, this.classifier);
        for (const root of found.dbtProjects) if (!this.dbt.has(root)) await this.loadDbt(root);
      }
      return this.relink();
    });
  }

  updateSettings(settings: Partial<WorkspaceSettings>): Promise<Snapshot> {
    this.settings = withDefaults({ ...this.settings, ...settings });
    this.classifier = new FileClassifier(this.settings);
    return this.indexAll();
  }

  getSettings(): WorkspaceSettings {
    return this.settings;
  }

  private rel(path: string): string {
    const root = this.rootOf(path);
    return root ? toRel(root, path) || '.' : path;
  }

  rootOf(path: string): string | undefined {
    let best: string | undefined;
    // prefix tests, not path.relative: `dbt run` reports tens of thousands of paths at once
    for (const r of this.roots) if (isInsideNormalised(r, path) && (!best || r.length > best.length)) best = r;
    return best;
  }

  private roleOf(file: string): FileRole {
    const root = this.rootOf(file);
    return root ? this.classifier.classify(toRel(root, file)) : 'other';
  }

  private dbtProjectOf(file: string): string | undefined {
    let best: string | undefined;
    for (const root of this.dbt.keys()) if (isInsideNormalised(root, file) && (!best || root.length > best.length)) best = root;
    return best;
  }

  /** Whether a walk of the project's files may read this file: under one of its file folders, or anywhere while those are unknown. */
  private readsProjectFile(root: string, file: string): boolean {
    const dirs = this.dbtCaches.get(root)?.fileState?.dirs;
    return dirs === undefined || dirs.some((d) => isInsideNormalised(d, file));
  }

  /** The project's manifest: the manifestPath setting's file, else target/manifest.json. */
  private manifestPathFor(root: string): string {
    const m = this.settings.manifestPath;
    if (!m) return join(root, 'target', 'manifest.json');
    const file = isAbsolute(m) ? m : join(root, m);
    // the user named this file: it may be anywhere (docs/security.md)
    this.files.allowFile(file);
    return file;
  }

  /**
   * A first index starts reading and scanning each large dbt manifest on a
   * thread as soon as discovery meets the project: the read and the scan
   * (most of a first open) then run while this thread walks the rest of the
   * workspace, and the scanned nodes become DbtNodes here as they come. Not
   * with one core, not below MANIFEST_THREAD_MIN_BYTES, not when the last session's read is
   * kept for the project (loadDbt loads that instead), nor for a manifest
   * loadDbtProject would skip or an editor holds.
   */
  private scanManifestAhead(root: string): void {
    if (this.manifestScanFromBytes === undefined) return;
    const manifestPath = this.manifestPathFor(root);
    if (this.scansAhead.has(manifestPath)) return;
    if (this.kept && this.useKeptReads && this.kept.has(this.keptReadContext(root, manifestPath))) return;
    const st = this.files.stat(manifestPath);
    if (!st?.isFile || st.isOverlay || st.size < this.manifestScanFromBytes || st.size > DEFAULT_MAX_MANIFEST_BYTES || !this.files.isAllowed(manifestPath)) return;
    const why = (reason: string) => this.log(`dbt project ${this.rel(root)}: manifest not scanned on a thread (${reason}); reading it here`);
    this.scansAhead.set(manifestPath, new ManifestScanThread(manifestPath, why, this.manifestScanWorkerFile));
  }

  /** The scan scanManifestAhead started for this manifest, taken once. */
  private takeScanAhead(manifestPath: string): ManifestScanThread | undefined {
    const scan = this.scansAhead.get(manifestPath);
    this.scansAhead.delete(manifestPath);
    return scan;
  }

  /** changedFiles: on a reload, the project's files that changed since its last load, when known (see LoadDbtProjectOptions) */
  private async loadDbt(root: string, reload = false, changedFiles?: string[]): Promise<void> {
    if (!this.files.stat(join(root, 'dbt_project.yml'))?.isFile) {
      this.dbt.delete(root);
      this.dbtCaches.delete(root);
      return;
    }
    try {
      const cache = this.dbtCaches.get(root) ?? this.dbtCaches.set(root, new DbtProjectCache()).get(root)!;
      const manifestPath = this.manifestPathFor(root);
      const ctx = this.kept && this.keptReadContext(root, manifestPath);
      const kept = ctx && this.useKeptReads && !cache.manifest ? this.kept!.load(ctx, this.files) : undefined;
      if (kept) cache.manifest = kept;
      let scan: ManifestScanThread | undefined;
      const scannedElsewhere = (p: string) => (scan = this.takeScanAhead(p));
      const loaded = await loadDbtProject(root, this.files, { manifestPath, cache, changedFiles, scannedElsewhere });
      if (scan?.completed) this.log(`dbt project ${this.rel(root)}: manifest read and scanned on a thread while the workspace was walked`);
      if (kept && cache.manifest === kept) this.log(`dbt project ${this.rel(root)}: the manifest read kept from the last session is current; the manifest was not read`);
      if (ctx && cache.manifest) this.kept!.use(ctx, cache.manifest);
      const previous = this.dbt.get(root);
      const broken = loaded.diagnostics.some((d) => d.code === 'manifest-invalid');
      if (reload && broken && previous && previous.facts.origin !== 'files') {
        // A manifest caught mid-write: keep the last good index, say so.
        this.log(`dbt project ${this.rel(root)}: manifest unreadable (${loaded.diagnostics[0]?.message}); keeping the last good index`);
        this.dbt.set(root, { facts: previous.facts, diagnostics: loaded.diagnostics });
        return;
      }
      this.dbt.set(root, loaded);
      for (const line of loaded.facts.log) this.log(`dbt project ${this.rel(root)}: ${line}`);
    } catch (err) {
      this.log(`dbt project ${this.rel(root)}: failed to load: ${(err as Error).message}`);
    }
  }

  private keptReadContext(root: string, manifestPath: string): KeptReadContext {
    const st = this.files.stat(join(root, 'dbt_project.yml'));
    return { root, manifestPath, projectYml: st ? statSignature(st) : '' };
  }

  /** Writes the manifest reads not yet kept, now (the server calls it on shutdown); resolves once written. */
  saveKeptReads(): Promise<void> {
    return this.kept?.save() ?? Promise.resolve();
  }

  /**
   * The workspace is dropped (server exit, new workspace folders): work queued
   * for a quiet time (kept-read saves, did-you-mean lists) never runs, so
   * nothing is written after its owner is gone, and reader threads under way
   * stop (the files they had left are not read). Call saveKeptReads() first to keep them.
   */
  dispose(): void {
    this.disposed = true;
    this.idle.stop();
    this.readingThreads?.stop();
    for (const scan of this.scansAhead.values()) scan.stop();
    this.scansAhead.clear();
  }

  /** The editor asked for something: work that can wait (saving a kept read, did-you-mean lists) waits. */
  noteActivity(): void {
    this.idle.holdOff();
  }

  /**
   * Reads code files, on reader threads when there are many (readerPool.ts).
   * The threads start now, so they read while the caller loads dbt projects
   * on this thread; the returned function waits for them and stores the
   * facts in `files`' order, which is the link order whichever thread
   * finished first (a file read again keeps its place in `code` when it
   * still has facts). Files no thread read are read here.
   */
  private beginCodeReads(files: string[], progress?: (file: string) => void, token?: CancellationFlag): () => Promise<void> {
    // started before the files are looked at, so the threads load their grammars meanwhile
    const roles = files.map((f) => this.roleOf(f));
    const threads = readerThreadsFor(roles.filter((r) => r === 'python' || r === 'typescript').length, { most: this.readerThreads, filesPerThread: this.readerFilesPerThread });
    const languages = (['python', 'typescript'] as const).filter((l) => roles.includes(l));
    const pool = threads > 0 ? new ReaderThreads(threads, languages, this.readerWorkerFile) : undefined;
    this.readingThreads = pool;
    // this thread reads the next saved file: its parsers and readers are made ready meanwhile
    if (pool) for (const language of languages) void warmUpReader(language);
    const plans = files.map((file, i) => this.planCodeRead(file, roles[i]));
    const jobs: PooledJob[] = [];
    const jobOf = plans.map((plan) => (plan && plan !== 'component' ? jobs.push(plan) - 1 : -1));
    const fileOfJob = (j: number) => jobs[j].job.file;
    const pooled = pool?.read(jobs, { onOutcome: (j) => progress?.(fileOfJob(j)), cancelled: () => token?.isCancellationRequested === true });
    return async () => {
      const read = pooled && (await pooled);
      if (this.readingThreads === pool) this.readingThreads = undefined;
      let here = 0;
      for (let i = 0; i < files.length; i++) {
        if (token?.isCancellationRequested || this.disposed) return;
        const file = files[i];
        const plan = plans[i];
        if (plan === 'component') this.keepFacts(file, this.readComponentFile(file));
        else if (!plan) this.code.delete(file);
        else {
          const outcome = read?.outcomes[jobOf[i]];
          if (outcome) {
            this.applyOutcome(file, outcome);
            continue;
          }
          here++;
          this.applyOutcome(file, await this.readHere(plan));
        }
        progress?.(file);
      }
      if (read && here > 0) this.log(`${here} of ${jobs.length} code files read on the server's thread: ${read.problems.join('; ') || 'a reader thread stopped'}`);
      else if (read) this.log(`${jobs.length} code files read on ${pool!.started} reader threads`);
    };
  }

  /**
   * What is decided before a code file's text is read: nothing to read (not
   * a file, over the size limit, outside the workspace), a component file
   * (read here: its reader follows paths), or a text job for any thread.
   */
  private planCodeRead(file: string, role: FileRole): PooledJob | 'component' | undefined {
    this.codeDiagnostics.delete(file);
    const st = this.files.stat(file);
    if (!st?.isFile) return undefined;
    if (st.size > this.settings.maxFileBytes) {
      const msg = `${this.rel(file)}: skipped, ${(st.size / 1048576).toFixed(1)} MB is over the ${(this.settings.maxFileBytes / 1048576).toFixed(0)} MB limit`;
      this.log(msg);
      this.codeDiagnostics.set(file, [
        { location: { file, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }, severity: 'info', code: 'file-skipped', message: msg },
      ]);
      return undefined;
    }
    let job: CodeTextJob;
    if (role === 'python') {
      const { module, isPackageInit } = pythonModuleName(file, this.files);
      job = { language: 'python', file, module, isPackageInit };
    } else if (role === 'typescript') {
      job = { language: 'typescript', file, callNames: this.settings.typescriptCallNames };
    } else if (role === 'componentYaml') {
      return 'component';
    } else {
      return undefined;
    }
    // the containment every read goes through (a link out of the workspace is not read)
    if (!this.files.isAllowed(file)) return undefined;
    // an open editor's unsaved text travels with the job; otherwise the thread reads the file
    return this.fs.hasOverlay(file) ? { job, text: this.files.readText(file) ?? '' } : { job };
  }

  private async readHere(plan: PooledJob): Promise<ThreadOutcome> {
    const text = plan.text ?? this.files.readText(plan.job.file);
    return text === undefined ? { kind: 'unreadable' } : readCodeText(plan.job, text);
  }

  private readComponentFile(file: string): CodeFileFacts | undefined {
    const text = this.files.readText(file);
    if (text === undefined) return undefined;
    if (text.includes('\u0000')) {
      this.log(`${this.rel(file)}: skipped, looks binary`);
      return undefined;
    }
    try {
      return readComponentYaml(file, text, this.files) ?? undefined;
    } catch (err) {
      this.log(`${this.rel(file)}: reader failed: ${(err as Error).message}`);
      return undefined;
    }
  }

  private applyOutcome(file: string, outcome: ThreadOutcome): void {
    if (outcome.kind === 'binary') this.log(`${this.rel(file)}: skipped, looks binary`);
    else if (outcome.kind === 'failed') this.log(`${this.rel(file)}: reader failed: ${outcome.message}`);
    this.keepFacts(file, outcome.kind === 'facts' ? outcome.facts : undefined);
  }

  private keepFacts(file: string, facts: CodeFileFacts | undefined): void {
    if (facts) this.code.set(file, facts);
    else this.code.delete(file);
  }

  /**
   * When the facts differ from the last link's in one code file only (same
   * dbt facts, every other file's facts the same objects), that file is
   * patched into the last link; undefined when it cannot be (relinkCodeFile).
   */
  private patchOneCodeFile(facts: WorkspaceFacts): AnalysisResult | undefined {
    const prev = this.linked?.link.facts;
    if (!prev || !this.linked || onlyChanged(prev.dbtProjects, facts.dbtProjects) !== 'none') return undefined;
    const changed = onlyChanged(prev.codeFiles, facts.codeFiles);
    if (typeof changed !== 'number' || prev.codeFiles[changed].file !== facts.codeFiles[changed].file) return undefined;
    return relinkCodeFile(this.linked, facts, facts.codeFiles[changed]);
  }

  /**
   * When the facts differ from the last link's in one dbt project only (every
   * code file's facts the same objects, the other projects too), its changed
   * nodes are patched into the last link; undefined when they cannot be
   * (relinkDbtProject).
   */
  private patchOneDbtProject(facts: WorkspaceFacts): AnalysisResult | undefined {
    const prev = this.linked?.link.facts;
    if (!prev || !this.linked || onlyChanged(prev.codeFiles, facts.codeFiles) !== 'none') return undefined;
    const changed = onlyChanged(prev.dbtProjects, facts.dbtProjects);
    if (typeof changed !== 'number') return undefined;
    return relinkDbtProject(this.linked, facts, prev.dbtProjects[changed], facts.dbtProjects[changed]);
  }

  private relink(opts: { suggestionsNow?: boolean } = {}): Snapshot {
    const dbtEntries = [...this.dbt.values()];
    const readerDiagnostics: Diagnostic[] = [...dbtEntries.flatMap((e) => e.diagnostics), ...[...this.codeDiagnostics.values()].flat()];
    for (const f of this.code.values()) readerDiagnostics.push(...f.diagnostics);
    const facts: WorkspaceFacts = { dbtProjects: dbtEntries.map((e) => e.facts), codeFiles: [...this.code.values()], readerDiagnostics };
    let result: AnalysisResult;
    try {
      const patched = this.patchOneCodeFile(facts) ?? this.patchOneDbtProject(facts);
      this.lastLink = patched ? 'patched' : 'full';
      result = patched ?? analyzeWorkspace(facts);
    } catch (err) {
      this.log(`analysis failed: ${(err as Error).stack ?? err}`);
      return this.current;
    }
    this.linked = result;
    // a full link has a new key set: its did-you-mean lists, and what a patch that adds a key reads, are built
    // now (a full index) or while the editor is idle, not on the next save
    if (opts.suggestionsNow) {
      prepareCandidates(result.link.assetIds);
      preparePatching(result.link);
    } else if (this.lastLink === 'full') {
      this.idle.run('did-you-mean lists', () => {
        if (!this.linked) return;
        prepareCandidates(this.linked.link.assetIds);
        preparePatching(this.linked.link);
      });
    }
    this.current = {
      version: ++this.version,
      graph: result.graph,
      diagnostics: result.diagnosticsByFile,
      dbtProjects: dbtEntries.map((e) => e.facts),
      codeFiles: new Map(this.code),
      edgeProblems: result.edgeProblems,
      roots: this.roots,
    };
    return this.current;
  }
}

/**
 * How two lists of facts differ: 'none' (the same objects in the same
 * places), the index of the one that is another object, or 'more' (several,
 * or another length).
 */
function onlyChanged<T>(before: readonly T[], after: readonly T[]): 'none' | number | 'more' {
  if (before.length !== after.length) return 'more';
  let changed: number | undefined;
  for (let i = 0; i < after.length; i++) {
    if (before[i] === after[i]) continue;
    if (changed !== undefined) return 'more';
    changed = i;
  }
  return changed ?? 'none';
}
