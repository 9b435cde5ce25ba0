import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeManifestRead, ManifestReadEncoder, type KeptManifestRead } from '../sources/dbt/manifestReadCodec';

/**
 * The build that writes a kept read: a rebuilt or updated server may read
 * manifests differently, so it never uses another build's reads.
 */
function engineIdentity(): string {
  try {
    const st = statSync(__filename);
    return `${st.size}:${st.mtimeMs}`;
  } catch {
    return 'unknown';
  }
}
const ENGINE = engineIdentity();

/** Nodes encoded between two turns of the event loop while saving (about 10 ms of work). */
const SAVE_SLICE = 1000;

/** A kept read larger than this is not loaded (the largest manifest read is far smaller). */
const MAX_KEPT_BYTES = 512 * 1024 * 1024;

/** What a kept read was made under, besides its manifest and model files (checked by loadDbtProject). */
export interface KeptReadContext {
  root: string;
  manifestPath: string;
  /** `size:mtime` of the project's dbt_project.yml (paths, package directory, name) */
  projectYml: string;
}

/**
 * Manifest reads kept between sessions in a directory of the editor's own
 * storage (never a workspace folder): one file per dbt project and manifest
 * path. A missing, damaged or foreign file is simply not used; the manifest
 * is read as if nothing was kept. Writes go to a temporary file renamed into
 * place, so a reader never sees half a file.
 */
export class ManifestReadStore {
  constructor(
    readonly dir: string,
    private readonly log: (line: string) => void,
  ) {}

  fileOf(ctx: KeptReadContext): string {
    const id = createHash('sha256').update(`${ctx.root}\u0000${ctx.manifestPath}`).digest('hex').slice(0, 24);
    return join(this.dir, `manifest-read-${id}.json`);
  }

  load(ctx: KeptReadContext): KeptManifestRead | undefined {
    const file = this.fileOf(ctx);
    let text: string;
    try {
      if (statSync(file).size > MAX_KEPT_BYTES) return undefined;
      text = readFileSync(file, 'utf8');
    } catch {
      return undefined; // nothing kept yet
    }
    try {
      const data = JSON.parse(text) as { engine?: unknown; root?: unknown; manifestPath?: unknown; projectYml?: unknown; read?: unknown };
      if (data.engine !== ENGINE) return this.skip(file, 'written by another build of Asset Lens');
      if (data.root !== ctx.root || data.manifestPath !== ctx.manifestPath) return this.skip(file, 'for another project');
      if (data.projectYml !== ctx.projectYml) return this.skip(file, 'dbt_project.yml changed since');
      return decodeManifestRead(data.read) ?? this.skip(file, 'not in the current format');
    } catch (err) {
      return this.skip(file, `unreadable (${(err as Error).message})`);
    }
  }

  /**
   * Writes a read, encoding a slice of nodes per turn of the event loop: a
   * 50k-node read takes about a second to encode, and requests keep being
   * answered meanwhile.
   */
  async save(ctx: KeptReadContext, read: KeptManifestRead): Promise<void> {
    const file = this.fileOf(ctx);
    const tmp = `${file}.${process.pid}.tmp`;
    try {
      const encoder = new ManifestReadEncoder(read);
      const slices: string[] = [];
      for (let i = 0; i < encoder.nodeCount; i += SAVE_SLICE) {
        // each slice as the members of a JSON array, joined below into one
        slices.push(JSON.stringify(encoder.nodes(i, i + SAVE_SLICE)).slice(1, -1));
        await new Promise((resolve) => setImmediate(resolve));
      }
      const rest = JSON.stringify(encoder.rest());
      const header = JSON.stringify({ engine: ENGINE, root: ctx.root, manifestPath: ctx.manifestPath, projectYml: ctx.projectYml });
      mkdirSync(this.dir, { recursive: true });
      writeFileSync(tmp, `${header.slice(0, -1)},"read":{"nodes":[${slices.join(',')}],${rest.slice(1)}}`);
      renameSync(tmp, file);
    } catch (err) {
      this.log(`could not keep the manifest read in ${this.dir}: ${(err as Error).message}`);
      try {
        unlinkSync(tmp);
      } catch {
        // never written
      }
    }
  }

  private skip(file: string, why: string): undefined {
    this.log(`kept manifest read ${file} not used: ${why}`);
    return undefined;
  }
}

/**
 * The workspace's side of the store: reads loaded from it or already saved
 * are not written again; a new read is saved a moment after the index that
 * made it (off the path of the first answers), one save after the other.
 */
export class KeptManifestReads {
  private readonly store: ManifestReadStore;
  private readonly stored = new WeakSet<KeptManifestRead>();
  /** reads to save, by dbt project root */
  private readonly pending = new Map<string, { ctx: KeptReadContext; read: KeptManifestRead }>();
  private timer?: NodeJS.Timeout;
  private saving: Promise<void> = Promise.resolve();

  constructor(dir: string, log: (line: string) => void) {
    this.store = new ManifestReadStore(dir, log);
  }

  load(ctx: KeptReadContext): KeptManifestRead | undefined {
    const read = this.store.load(ctx);
    if (read) this.stored.add(read);
    return read;
  }

  /** The read a project now uses: saved soon, unless the store has it. */
  use(ctx: KeptReadContext, read: KeptManifestRead): void {
    if (this.stored.has(read)) return;
    this.pending.set(ctx.root, { ctx, read });
    if (this.timer) return;
    this.timer = setTimeout(() => void this.save(), 2000);
    this.timer.unref();
  }

  /** Writes the reads not yet kept; resolves once they are written (the server calls it on shutdown too). */
  save(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const { read } of pending) this.stored.add(read);
    if (pending.length) {
      this.saving = this.saving.then(async () => {
        for (const { ctx, read } of pending) await this.store.save(ctx, read);
      });
    }
    return this.saving;
  }
}
