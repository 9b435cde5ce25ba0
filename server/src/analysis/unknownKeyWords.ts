import type { UnknownReference } from './buildGraph';
import { prepareCandidates, wordsNear } from './suggest';

/**
 * The distinct names of a link's unknown asset keys, and the files that name
 * each. A save that adds or removes a key asks which files it may concern:
 * those naming the key itself (they now resolve), and those naming a word
 * the key may be the did-you-mean of. Without this, each such save read
 * every unknown reference of the workspace (35,152 in the code half of the
 * 50k benchmark workspace, which names a dbt project it does not have).
 *
 * Built on first use from one link's lists and shared by the links patched
 * from it: a patch adds the names of the files it re-linked. Nothing is
 * taken out, so a file listed under a name may no longer have it; callers
 * read the file's own list.
 */
export class UnknownKeyWords {
  private readonly filesOf = new Map<string, Set<string>>();
  /** the names at build (their length groups stay cached in suggest.ts) */
  private readonly first: string[];
  /** names added by patches since */
  private later: string[] = [];

  constructor(unknownByFile: ReadonlyMap<string, readonly UnknownReference[]>) {
    for (const [file, list] of unknownByFile) this.addFile(file, list);
    this.first = this.later;
    this.later = [];
  }

  /** Builds the length groups of the names now (the first save that adds a key would). */
  prepare(): void {
    prepareCandidates(this.first);
  }

  /** The names of a file's unknown keys, as re-linked. */
  addFile(file: string, list: readonly UnknownReference[]): void {
    for (const u of list) {
      if (u.kind !== 'key') continue;
      let files = this.filesOf.get(u.wanted);
      if (!files) {
        files = new Set();
        this.filesOf.set(u.wanted, files);
        this.later.push(u.wanted);
      }
      files.add(file);
    }
  }

  /** The files that may name `word` as an unknown key. */
  filesNaming(word: string): ReadonlySet<string> {
    return this.filesOf.get(word) ?? NONE;
  }

  /** Adds to `into` the files that may name a word whose did-you-mean `key` can be. */
  filesNear(key: string, into: Set<string>): void {
    for (const words of [this.first, this.later]) {
      for (const w of wordsNear(key, words)) for (const f of this.filesOf.get(w)!) into.add(f);
    }
  }
}

const NONE: ReadonlySet<string> = new Set();
