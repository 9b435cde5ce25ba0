// Tokenizes dbt Jinja SQL with the real TextMate engine VS Code uses
// (vscode-textmate + oniguruma) and checks the scopes our grammars assign.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';

const root = join(__dirname, '..', '..', '..', '..');
const syntaxes = join(root, 'syntaxes');

/** Minimal stand-in for VS Code's SQL grammar (scopeName source.sql). */
const SQL_STUB = {
  scopeName: 'source.sql',
  patterns: [
    { match: '--.*$', name: 'comment.line.double-dash.sql' },
    { begin: "'", end: "'", name: 'string.quoted.single.sql' },
    { match: '(?i)\\b(select|from|where|join|on|as|and|or|group|by)\\b', name: 'keyword.other.DML.sql' },
    { match: '\\b\\d+\\b', name: 'constant.numeric.sql' },
  ],
};

let registryPromise: Promise<vsctm.Registry> | undefined;
function registry(): Promise<vsctm.Registry> {
  registryPromise ??= (async () => {
    const wasm = readFileSync(join(root, 'node_modules/vscode-oniguruma/release/onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const files: Record<string, string> = {
      'source.sql.jinja': join(syntaxes, 'jinja-sql.tmLanguage.json'),
      'source.sql.jinja.injection': join(syntaxes, 'jinja-sql.injection.tmLanguage.json'),
    };
    return new vsctm.Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
        createOnigString: (s: string) => new oniguruma.OnigString(s),
      }),
      loadGrammar: async (scopeName: string) => {
        if (scopeName === 'source.sql') return vsctm.parseRawGrammar(JSON.stringify(SQL_STUB), 'sql.json');
        const file = files[scopeName];
        return file ? vsctm.parseRawGrammar(readFileSync(file, 'utf8'), file) : null;
      },
      // as contributed in package.json: "injectTo": ["source.sql"]
      getInjections: (scopeName: string) => (scopeName === 'source.sql' ? ['source.sql.jinja.injection'] : undefined),
    });
  })();
  return registryPromise;
}

interface Token {
  text: string;
  scopes: string[];
}

async function tokenize(scopeName: string, source: string): Promise<Token[][]> {
  const grammar = await (await registry()).loadGrammar(scopeName);
  assert.ok(grammar, `grammar ${scopeName} loads`);
  let state = vsctm.INITIAL;
  return source.split('\n').map((line) => {
    const r = grammar.tokenizeLine(line, state);
    state = r.ruleStack;
    return r.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes }));
  });
}

/** Scopes of the first token whose text is exactly `text`. */
function scopesOf(lines: Token[][], text: string, nth = 0): string[] {
  const hits = lines.flat().filter((t) => t.text === text);
  assert.ok(hits[nth], `token ${JSON.stringify(text)} (#${nth}) found in ${JSON.stringify(lines.flat().map((t) => t.text))}`);
  return hits[nth].scopes;
}

function hasScope(scopes: string[], prefix: string): boolean {
  return scopes.some((s) => s === prefix || s.startsWith(prefix + '.'));
}

test('ref and source calls inside {{ }} are dbt functions with string arguments', async () => {
  const lines = await tokenize('source.sql.jinja', "select * from {{ ref('stg_trips') }} join {{ source('raw', 'taxi_trips') }}");
  const ref = scopesOf(lines, 'ref');
  assert.ok(hasScope(ref, 'support.function.dbt'), ref.join(' '));
  assert.ok(ref.includes('meta.embedded.expression.jinja'));
  assert.ok(hasScope(scopesOf(lines, 'source'), 'support.function.dbt'));
  assert.ok(hasScope(scopesOf(lines, 'stg_trips'), 'string.quoted.single.jinja'));
  assert.ok(hasScope(scopesOf(lines, 'taxi_trips'), 'string.quoted.single.jinja'));
  assert.ok(hasScope(scopesOf(lines, '{{'), 'punctuation.section.embedded.begin.jinja'));
  assert.ok(hasScope(scopesOf(lines, '}}'), 'punctuation.section.embedded.end.jinja'));
  // SQL outside the braces comes from the embedded SQL grammar
  assert.ok(hasScope(scopesOf(lines, 'select'), 'keyword.other.DML.sql'));
  assert.ok(!scopesOf(lines, 'select').includes('meta.embedded.expression.jinja'));
});

test('config, var, is_incremental and this are recognised', async () => {
  const lines = await tokenize(
    'source.sql.jinja',
    [
      "{{ config(materialized='incremental', unique_key='id') }}",
      "select * from {{ this }} where day >= '{{ var(\"start_date\") }}'",
      '{% if is_incremental() %}',
      '  and id > 0',
      '{% endif %}',
    ].join('\n'),
  );
  assert.ok(hasScope(scopesOf(lines, 'config'), 'support.function.dbt'));
  assert.ok(hasScope(scopesOf(lines, 'var'), 'support.function.dbt'));
  assert.ok(hasScope(scopesOf(lines, 'is_incremental'), 'support.function.dbt'));
  assert.ok(hasScope(scopesOf(lines, 'this'), 'variable.language.this.jinja'));
  assert.ok(hasScope(scopesOf(lines, 'incremental'), 'string.quoted.single.jinja'));
  // Jinja inside a SQL string literal still renders in dbt, so it is highlighted
  assert.ok(hasScope(scopesOf(lines, 'start_date'), 'string.quoted.double.jinja'));
  assert.ok(hasScope(scopesOf(lines, 'if'), 'keyword.control.jinja'));
  assert.ok(hasScope(scopesOf(lines, 'endif'), 'keyword.control.jinja'));
  assert.ok(hasScope(scopesOf(lines, 'and'), 'keyword.other.DML.sql'), 'plain SQL between statements');
});

test('macro definitions, calls, filters and comments', async () => {
  const lines = await tokenize(
    'source.sql.jinja',
    [
      '{# a comment with {{ ref("x") }} inside #}',
      '{% macro cents_to_dollars(column_name, scale=2) -%}',
      '  ({{ column_name }} / 100)::numeric(16, {{ scale }})',
      '{%- endmacro %}',
      "{% set cols = adapter.get_columns_in_relation(this) | map(attribute='name') | list %}",
      '{{ dbt_utils.star(from=ref("orders")) }}',
    ].join('\n'),
  );
  const comment = lines[0];
  assert.ok(comment.every((t) => hasScope(t.scopes, 'comment.block.jinja')), 'whole line is a comment');
  assert.ok(hasScope(scopesOf(lines, 'macro'), 'keyword.control.jinja'));
  assert.ok(hasScope(scopesOf(lines, 'cents_to_dollars'), 'entity.name.function.macro.jinja'));
  assert.ok(hasScope(scopesOf(lines, 'endmacro'), 'keyword.control.jinja'));
  assert.ok(hasScope(scopesOf(lines, '-%}'), 'punctuation.section.embedded.end.jinja'));
  assert.ok(hasScope(scopesOf(lines, 'set'), 'keyword.control.jinja'));
  assert.ok(hasScope(scopesOf(lines, 'adapter'), 'support.variable.dbt.jinja'));
  assert.ok(hasScope(scopesOf(lines, 'map'), 'support.function.filter.jinja'));
  assert.ok(hasScope(scopesOf(lines, 'star'), 'entity.name.function.macro.jinja'));
  assert.ok(hasScope(scopesOf(lines, 'ref', 0), 'support.function.dbt'));
});

test('unterminated Jinja at end of a half-typed file does not break tokenizing', async () => {
  const lines = await tokenize('source.sql.jinja', "select * from {{ ref('stg\nwhere 1 = 1");
  assert.equal(lines.length, 2);
  assert.ok(lines[1].length > 0);
});

test('injection highlights ref/source in plain SQL files, not in comments or strings', async () => {
  const lines = await tokenize(
    'source.sql',
    [
      "select * from {{ ref('daily_metrics') }}",
      "-- {{ ref('commented') }}",
      "select '{{ ref(\"quoted\") }}' from {{ source('raw', 'trips') }}",
    ].join('\n'),
  );
  const ref = scopesOf(lines, 'ref', 0);
  assert.ok(hasScope(ref, 'support.function.dbt'), ref.join(' '));
  assert.ok(ref.includes('meta.embedded.expression.jinja'));
  assert.ok(hasScope(scopesOf(lines, 'daily_metrics'), 'string.quoted.single.jinja'));
  assert.ok(hasScope(scopesOf(lines, 'select'), 'keyword.other.DML.sql'));
  // in a SQL comment: left alone
  assert.ok(lines[1].every((t) => hasScope(t.scopes, 'comment.line.double-dash.sql') && !t.scopes.includes('meta.embedded.expression.jinja')));
  // in a SQL string: left alone
  assert.ok(lines[2].filter((t) => t.text.includes('quoted')).every((t) => !t.scopes.includes('meta.embedded.expression.jinja')));
  assert.ok(hasScope(scopesOf(lines, 'source'), 'support.function.dbt'));
});
