/**
 * The `yaml` library slows to a crawl (minutes) on flow collections nested
 * tens of thousands deep, typically half-closed ones. No real dbt or
 * Dagster file nests flow collections more than a handful deep, so a file
 * over MAX_YAML_FLOW_DEPTH is not handed to the parser at all; callers
 * report it as too deep to index.
 */
export const MAX_YAML_FLOW_DEPTH = 1000;

/**
 * True when `[` / `{` nest deeper than `limit`, counted in one linear pass
 * that skips comments and quoted scalars. Brackets inside plain scalars
 * count too: that can only overestimate, and only a file holding a
 * thousand unclosed ones would be refused.
 */
export function yamlTooDeep(text: string, limit = MAX_YAML_FLOW_DEPTH): boolean {
  let depth = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text[i];
    if (c === '[' || c === '{') {
      if (++depth > limit) return true;
    } else if (c === ']' || c === '}') {
      if (depth > 0) depth--;
    } else if (c === '#' && (i === 0 || isSpace(text[i - 1]))) {
      while (i < n && text[i] !== '\n') i++;
    } else if ((c === '"' || c === "'") && startsScalar(text, i)) {
      // a quote opens a scalar only where a scalar can start; `don't` is plain text
      for (i++; i < n; i++) {
        const d = text[i];
        if (c === '"' && d === '\\') i++;
        else if (d === c) {
          if (c === "'" && text[i + 1] === "'") i++; // '' is an escaped quote
          else break;
        }
      }
    }
  }
  return false;
}

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r';
}

function startsScalar(text: string, i: number): boolean {
  let j = i - 1;
  while (j >= 0 && (text[j] === ' ' || text[j] === '\t')) j--;
  if (j < 0) return true;
  const p = text[j];
  return p === '\n' || p === '\r' || p === ':' || p === ',' || p === '[' || p === '{' || p === '-' || p === '?';
}

export function yamlTooDeepMessage(): string {
  return `not indexed: YAML flow collections nested more than ${MAX_YAML_FLOW_DEPTH} deep (too deep to index)`;
}
