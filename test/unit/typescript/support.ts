import { join } from 'node:path';
import type { Range } from '../../../server/src/model/location';

/** The repository root, from out/test/unit/typescript (compiled) or test/unit/typescript. */
export const repoRoot = join(__dirname, '..', '..', '..', ...(__dirname.includes(`${join('out', 'test')}`) ? ['..'] : []));

/** Compact "line:char-line:char" form of a range, for readable assertions. */
export function span(r: Range): string {
  return `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
}

/**
 * Where `needle` sits in `text` (its n-th occurrence), computed
 * independently of the reader: counts UTF-16 units within the line.
 */
export function spanOf(text: string, needle: string, occurrence = 0): string {
  let at = -1;
  for (let i = 0; i <= occurrence; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`"${needle}" #${occurrence} not in text`);
  }
  const before = text.slice(0, at).split('\n');
  const line = before.length - 1;
  const character = before[before.length - 1].length;
  return `${line}:${character}-${line}:${character + needle.length}`;
}
