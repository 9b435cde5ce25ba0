// Source of the three jinja-sql JSON files beside it (the main grammar and
// the injection share one repository of rules). Run: node syntaxes/generate.mjs
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
const dir = join(dirname(fileURLToPath(import.meta.url)), '/');
const CALL_FUNCS = ['ref', 'source', 'config', 'var', 'env_var', 'is_incremental', 'run_query', 'log', 'return', 'statement', 'load_result', 'doc', 'fromjson', 'tojson', 'fromyaml', 'toyaml', 'zip'];
const KEYWORDS = ['if', 'elif', 'else', 'endif', 'for', 'endfor', 'set', 'endset', 'macro', 'endmacro', 'call', 'endcall', 'filter', 'endfilter', 'do', 'with', 'endwith', 'raw', 'endraw', 'materialization', 'endmaterialization', 'test', 'endtest', 'snapshot', 'endsnapshot', 'docs', 'enddocs', 'break', 'continue', 'include', 'import', 'from', 'extends', 'block', 'endblock'];

const repository = {
  'jinja-comment': {
    name: 'comment.block.jinja',
    begin: '\\{#-?',
    beginCaptures: { 0: { name: 'punctuation.definition.comment.begin.jinja' } },
    end: '-?#\\}',
    endCaptures: { 0: { name: 'punctuation.definition.comment.end.jinja' } },
  },
  'jinja-expression': {
    name: 'meta.embedded.expression.jinja',
    begin: '\\{\\{-?',
    beginCaptures: { 0: { name: 'punctuation.section.embedded.begin.jinja' } },
    end: '-?\\}\\}',
    endCaptures: { 0: { name: 'punctuation.section.embedded.end.jinja' } },
    patterns: [{ include: '#expression' }],
  },
  'jinja-statement': {
    name: 'meta.embedded.statement.jinja',
    begin: '(\\{%-?)\\s*',
    beginCaptures: { 1: { name: 'punctuation.section.embedded.begin.jinja' } },
    end: '-?%\\}',
    endCaptures: { 0: { name: 'punctuation.section.embedded.end.jinja' } },
    patterns: [
      {
        match: '\\G(macro|materialization|test)\\s+([A-Za-z_][A-Za-z0-9_]*)',
        captures: { 1: { name: 'keyword.control.jinja' }, 2: { name: 'entity.name.function.macro.jinja' } },
      },
      { match: `\\G(${KEYWORDS.join('|')})\\b`, name: 'keyword.control.jinja' },
      { include: '#expression' },
    ],
  },
  jinja: { patterns: [{ include: '#jinja-comment' }, { include: '#jinja-expression' }, { include: '#jinja-statement' }] },
  expression: {
    patterns: [
      { include: '#string-double' },
      { include: '#string-single' },
      { match: '\\b\\d+(\\.\\d+)?\\b', name: 'constant.numeric.jinja' },
      { match: '\\b(true|false|none|True|False|None)\\b', name: 'constant.language.jinja' },
      { match: '\\b(and|or|not|in|is|if|else|recursive)\\b', name: 'keyword.operator.logical.jinja' },
      { match: '\\bthis\\b', name: 'variable.language.this.jinja' },
      {
        match: `\\b(${CALL_FUNCS.join('|')})\\s*(?=\\()`,
        captures: { 1: { name: 'support.function.dbt.jinja' } },
      },
      {
        match: '\\b(adapter|exceptions|modules|builtins|target|graph|model|flags|execute|invocation_id)\\b',
        name: 'support.variable.dbt.jinja',
      },
      {
        match: '(\\|)\\s*([A-Za-z_][A-Za-z0-9_]*)',
        captures: { 1: { name: 'keyword.operator.filter.jinja' }, 2: { name: 'support.function.filter.jinja' } },
      },
      {
        match: '\\b([A-Za-z_][A-Za-z0-9_]*)\\s*(?=\\()',
        captures: { 1: { name: 'entity.name.function.macro.jinja' } },
      },
      { match: '(?<=\\.)[A-Za-z_][A-Za-z0-9_]*', name: 'variable.other.property.jinja' },
      { match: '\\b[A-Za-z_][A-Za-z0-9_]*\\b', name: 'variable.other.jinja' },
      { match: '==|!=|<=|>=|<|>|\\+|-|\\*\\*|\\*|//|/|%|~|=', name: 'keyword.operator.jinja' },
      { match: '[,:.]', name: 'punctuation.separator.jinja' },
      { begin: '\\(', end: '\\)', beginCaptures: { 0: { name: 'punctuation.section.parens.begin.jinja' } }, endCaptures: { 0: { name: 'punctuation.section.parens.end.jinja' } }, patterns: [{ include: '#expression' }] },
      { begin: '\\[', end: '\\]', beginCaptures: { 0: { name: 'punctuation.section.brackets.begin.jinja' } }, endCaptures: { 0: { name: 'punctuation.section.brackets.end.jinja' } }, patterns: [{ include: '#expression' }] },
      { begin: '\\{(?![{%#])', end: '\\}', beginCaptures: { 0: { name: 'punctuation.section.braces.begin.jinja' } }, endCaptures: { 0: { name: 'punctuation.section.braces.end.jinja' } }, patterns: [{ include: '#expression' }] },
    ],
  },
  'string-double': {
    name: 'string.quoted.double.jinja',
    begin: '"',
    end: '"',
    beginCaptures: { 0: { name: 'punctuation.definition.string.begin.jinja' } },
    endCaptures: { 0: { name: 'punctuation.definition.string.end.jinja' } },
    patterns: [{ match: '\\\\.', name: 'constant.character.escape.jinja' }],
  },
  'string-single': {
    name: 'string.quoted.single.jinja',
    begin: "'",
    end: "'",
    beginCaptures: { 0: { name: 'punctuation.definition.string.begin.jinja' } },
    endCaptures: { 0: { name: 'punctuation.definition.string.end.jinja' } },
    patterns: [{ match: '\\\\.', name: 'constant.character.escape.jinja' }],
  },
};

const main = {
  $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
  name: 'Jinja SQL (dbt)',
  scopeName: 'source.sql.jinja',
  comment: 'dbt model/macro SQL: Jinja blocks over embedded SQL (source.sql). The injection makes Jinja win inside SQL strings and comments too, as dbt renders Jinja there.',
  patterns: [{ include: '#jinja' }, { include: 'source.sql' }],
  injections: {
    'L:source.sql.jinja -comment.block.jinja -meta.embedded.expression.jinja -meta.embedded.statement.jinja': {
      patterns: [{ include: '#jinja' }],
    },
  },
  repository,
};
const injection = {
  $schema: main.$schema,
  name: 'Jinja in SQL (dbt)',
  scopeName: 'source.sql.jinja.injection',
  comment: 'Injected into plain SQL (source.sql) so dbt {{ ref() }} / {{ source() }} / {% %} blocks stand out in .sql files outside dbt model folders.',
  injectionSelector: 'L:source.sql -comment -string -meta.embedded.expression.jinja -meta.embedded.statement.jinja',
  patterns: [{ include: '#jinja' }],
  repository,
};
writeFileSync(dir + 'jinja-sql.tmLanguage.json', JSON.stringify(main, null, 2) + '\n');
writeFileSync(dir + 'jinja-sql.injection.tmLanguage.json', JSON.stringify(injection, null, 2) + '\n');
writeFileSync(dir + 'jinja-sql.language-configuration.json', JSON.stringify({
  comments: { lineComment: '--', blockComment: ['{#', '#}'] },
  brackets: [['{{', '}}'], ['{%', '%}'], ['{#', '#}'], ['(', ')'], ['[', ']'], ['{', '}']],
  autoClosingPairs: [
    { open: '{{', close: ' }', notIn: ['string', 'comment'] },
    { open: '{%', close: ' %', notIn: ['string', 'comment'] },
    { open: '{#', close: ' #', notIn: ['string', 'comment'] },
    { open: '(', close: ')' },
    { open: '[', close: ']' },
    { open: '{', close: '}' },
    { open: "'", close: "'", notIn: ['string', 'comment'] },
    { open: '"', close: '"', notIn: ['string', 'comment'] },
  ],
  surroundingPairs: [['(', ')'], ['[', ']'], ['{', '}'], ["'", "'"], ['"', '"']],
  folding: { markers: { start: '^\\s*\\{%-?\\s*(if|for|macro|call|filter|set\\s+\\w+\\s*-?%|snapshot|materialization|test|docs)\\b', end: '^\\s*\\{%-?\\s*end(if|for|macro|call|filter|set|snapshot|materialization|test|docs)\\b' } },
  wordPattern: '[A-Za-z_][A-Za-z0-9_]*',
}, null, 2) + '\n');
