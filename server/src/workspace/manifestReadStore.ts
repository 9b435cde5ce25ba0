import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { decodeManifestRead, ManifestReadEncoder, placesWithin, type KeptManifestRead } from '../sources/dbt/manifestReadCodec';
import type { FileSource } from '../sources/fileSource';

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

/** Nodes (or table strings) encoded and written at once while saving: about a millisecond of work. */
const SAVE_PIECE = 50;
/** Work done before the event loop is given back while saving. */
const SAVE_TURN_MS = 1;

class Interrupted extends Error {}

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

  /** A read is kept for this project (usable or not: load decides). */
  has(ctx: KeptReadContext): boolean {
    return existsSync(this.fileOf(ctx));
  }

  /** The read kept for this project, if usable; its places read the project's files through `fs`. */
  load(ctx: KeptReadContext, fs: FileSource): KeptManifestRead | undefined {
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
      const read = decodeManifestRead(data.read, fs);
      if (!read) return this.skip(file, 'not in the current format');
      return placesWithin(read, ctx.root, ctx.manifestPath) ? read : this.skip(file, 'it names files outside the project');
    } catch (err) {
      return this.skip(file, `unreadable (${(err as Error).message})`);
    }
  }

  /**
   * Writes a read a little at a time: a 50k-node read takes about a second
   * to encode, and requests keep being answered meanwhile (the event loop is
   * given back every millisecond; each piece goes straight to the file).
   * When `goOn` says no at one of those turns, the save stops and leaves
   * nothing behind (`interrupted`): a half-done save would hold its string
   * table, tens of MB at 50k nodes, for as long as it waited.
   */
  async save(ctx: KeptReadContext, read: KeptManifestRead, goOn: () => boolean = () => true): Promise<'saved' | 'interrupted' | 'failed'> {
    const file = this.fileOf(ctx);
    const tmp = `${file}.${process.pid}.tmp`;
    let fd: number | undefined;
    try {
      const encoder = new ManifestReadEncoder(read);
      mkdirSync(this.dir, { recursive: true });
      fd = openSync(tmp, 'w');
      const out = fd;
      const write = (text: string) => writeSync(out, text);
      let turn = performance.now();
      const pause = async () => {
        if (performance.now() - turn < SAVE_TURN_MS) return;
        await new Promise((resolve) => setImmediate(resolve));
        if (!goOn()) throw new Interrupted();
        turn = performance.now();
      };
      // a JSON array written piece by piece: each piece is the members of a smaller one
      const writeMembers = async <T>(count: number, piece: (from: number, to: number) => T[]) => {
        for (let i = 0; i < count; i += SAVE_PIECE) {
          write((i ? ',' : '') + JSON.stringify(piece(i, Math.min(i + SAVE_PIECE, count))).slice(1, -1));
          await pause();
        }
      };
      const header = JSON.stringify({ engine: ENGINE, root: ctx.root, manifestPath: ctx.manifestPath, projectYml: ctx.projectYml });
      write(`${header.slice(0, -1)},"read":{"nodes":[`);
      await writeMembers(encoder.nodeCount, (from, to) => encoder.nodes(from, to));
      write('],"files":[');
      await writeMembers(encoder.fileCount, (from, to) => encoder.files(from, to));
      // last: the string table is complete only once every node and file is encoded
      write(`],${JSON.stringify(encoder.rest()).slice(1, -1)},"strings":[`);
      const strings = encoder.strings;
      await writeMembers(strings.length, (from, to) => strings.slice(from, to));
      write(']}}');
      closeSync(fd);
      fd = undefined;
      renameSync(tmp, file);
      return 'saved';
    } catch (err) {
      if (!(err instanceof Interrupted)) this.log(`could not keep the manifest read in ${this.dir}: ${(err as Error).message}`);
      try {
        if (fd !== undefined) closeSync(fd);
        unlinkSync(tmp);
      } catch {
        // never written
      }
      return err instanceof Interrupted ? 'interrupted' : 'failed';
    }
  }

  private skip(file: string, why: string): undefined {
    this.log(`kept manifest read ${file} not used: ${why}`);
    return undefined;
  }
}
