import * as path from 'node:path';
import { isMap, isScalar, isSeq, parseAllDocuments, type Node as YamlNode } from 'yaml';
import { emptyCodeFacts, type CodeFileFacts, type DbtAssetsBindingFact, type KeyExpr, type TranslatorFact } from '../model/code';
import { LineIndex, ZERO_RANGE, type Range } from '../model/location';
import { yamlTooDeep, yamlTooDeepMessage } from './yamlDepth';
import type { FileSource } from './fileSource';

/**
 * Dagster component files (`defs.yaml`) declaring a `dagster_dbt.DbtProjectComponent`:
 * the dbt project, its selection and the `translation:` rules, as a dbt binding
 * with an inline translator. Jinja `{{ node.name }}` becomes the `{name}`
 * placeholder; any other template makes the translator not evaluable.
 * Returns null for YAML that declares no such component.
 */

const COMPONENT_TYPE = /(^|\.)DbtProjectComponent$/;

/** `{{ node.x }}` / `{{ node.config.schema }}` → placeholder names. */
const NODE_FIELDS: Record<string, string> = {
  name: 'name',
  source_name: 'source_name',
  alias: 'alias',
  schema: 'schema',
  'config.schema': 'schema',
  resource_type: 'resource_type',
  database: 'database',
  package_name: 'package_name',
};

function emptyFacts(file: string): CodeFileFacts {
  return emptyCodeFacts(file, 'yaml', file);
}

/** Jinja node templates → placeholder text; null when something else is templated. */
export function jinjaToTemplate(text: string): string | null {
  if (text.includes('{%')) return null;
  let ok = true;
  const out = text.replace(/\{\{\s*([^}]*?)\s*\}\}/g, (_m, expr: string) => {
    const m = /^node\.([a-z_]+(?:\.[a-z_]+)?)$/.exec(expr);
    const field = m ? NODE_FIELDS[m[1]] : undefined;
    if (!field) {
      ok = false;
      return '';
    }
    return `{${field}}`;
  });
  return ok && !out.includes('{{') ? out : null;
}

/** The directory `{{ project_root }}` stands for: nearest ancestor with pyproject.toml, else a layout guess. */
function projectRoot(file: string, fs?: FileSource): string {
  let dir = path.dirname(file);
  if (fs) {
    for (let d = dir, i = 0; i < 32; i++) {
      if (fs.stat(path.join(d, 'pyproject.toml'))?.isFile) return d;
      const up = path.dirname(d);
      if (up === d) break;
      d = up;
    }
  }
  // <root>/src/<pkg>/defs/... or <root>/<pkg>/defs/...
  const parts = dir.split(path.sep);
  const src = parts.lastIndexOf('src');
  if (src > 0) return parts.slice(0, src).join(path.sep) || path.sep;
  const defs = parts.lastIndexOf('defs');
  if (defs > 1) return parts.slice(0, defs - 1).join(path.sep) || path.sep;
  if (defs === 1) return parts.slice(0, 1).join(path.sep) || path.sep;
  dir = path.dirname(file);
  return dir;
}

function resolveProject(file: string, value: string, fs?: FileSource): string | undefined {
  let p = value.replace(/\{\{\s*(?:context\.)?project_root\s*\}\}/g, projectRoot(file, fs));
  if (p.includes('{{') || p.includes('{%')) return undefined;
  if (!path.isAbsolute(p)) p = path.resolve(path.dirname(file), p);
  return path.normalize(p);
}

function scalarString(node: unknown): string | undefined {
  return isScalar(node) && typeof node.value === 'string' ? node.value : undefined;
}

function get(map: unknown, key: string): unknown {
  return isMap(map) ? map.get(key, true) : undefined;
}

function rangeOf(index: LineIndex, node: unknown, fallback: Range): Range {
  const r = (node as YamlNode | undefined)?.range;
  return r ? index.rangeOf(r[0], r[1]) : fallback;
}

function stringList(node: unknown): string[] | null {
  const s = scalarString(node);
  if (s !== undefined) return [s];
  if (isSeq(node)) {
    const out: string[] = [];
    for (const item of node.items) {
      const v = scalarString(item);
      if (v === undefined) return null;
      out.push(v);
    }
    return out;
  }
  return null;
}

function translatorOf(file: string, index: LineIndex, translation: unknown, at: Range): TranslatorFact {
  const fact: TranslatorFact = { name: file, location: { file, range: rangeOf(index, translation, at) }, cases: null };
  if (!isMap(translation)) {
    fact.reason = 'translation is not a mapping of fields';
    return fact;
  }
  const group = scalarString(get(translation, 'group_name'));
  if (group !== undefined && !group.includes('{{')) fact.group = group;
  const keyNode = get(translation, 'key');
  const prefixNode = get(translation, 'key_prefix');
  let prefix: string[] = [];
  if (prefixNode !== undefined) {
    const list = stringList(prefixNode);
    const templ = list?.map(jinjaToTemplate);
    if (!templ || templ.some((t) => t === null)) {
      fact.reason = 'key_prefix is templated';
      return fact;
    }
    prefix = (templ as string[]).flatMap((t) => (list!.length === 1 ? t.split('/').filter(Boolean) : [t]));
  }
  let key: KeyExpr = { kind: 'default', prefix };
  if (keyNode !== undefined) {
    const text = scalarString(keyNode);
    const t = text === undefined ? null : jinjaToTemplate(text);
    if (t === null) {
      fact.reason = `key ${text === undefined ? 'is not a string' : `"${text}" uses templates other than node fields`}`;
      return fact;
    }
    key = { kind: 'parts', parts: [...prefix, ...t.split('/').filter(Boolean)] };
  }
  fact.cases = [{ key }];
  return fact;
}

export function readComponentYaml(file: string, text: string, fs?: FileSource): CodeFileFacts | null {
  try {
    if (!/DbtProjectComponent/.test(text)) return null;
    if (yamlTooDeep(text)) {
      const facts = emptyFacts(file);
      facts.diagnostics.push({ location: { file, range: ZERO_RANGE }, severity: 'info', code: 'file-skipped', message: `Component file ${yamlTooDeepMessage()}` });
      return facts;
    }
    const index = new LineIndex(text);
    const docs = parseAllDocuments(text);
    if (!Array.isArray(docs)) return null;
    const facts = emptyFacts(file);
    const dirName = path.basename(path.dirname(file));
    docs.forEach((doc, i) => {
      // a half-written document could bind the wrong nodes: wait until it parses
      if (doc.errors.length) return;
      const contents = doc.contents;
      const typeNode = get(contents, 'type');
      const type = scalarString(typeNode);
      if (!type || !COMPONENT_TYPE.test(type)) return;
      const at = rangeOf(index, typeNode, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } });
      const attrs = get(contents, 'attributes');
      const binding: DbtAssetsBindingFact = {
        name: docs.length > 1 ? `${dirName}[${i}]` : dirName,
        location: { file, range: at },
        select: scalarString(get(attrs, 'select')) ?? 'fqn:*',
      };
      const exclude = scalarString(get(attrs, 'exclude'));
      if (exclude) binding.exclude = exclude;
      const project = get(attrs, 'project');
      const projectText = scalarString(project) ?? scalarString(get(project, 'project_dir'));
      const projectDir = projectText ? resolveProject(file, projectText, fs) : undefined;
      if (projectDir) binding.projectDir = projectDir;
      const translation = get(attrs, 'translation');
      if (translation !== undefined) {
        const t = translatorOf(file, index, translation, at);
        binding.translator = { kind: 'inline', fact: t };
      }
      facts.dbtBindings.push(binding);
    });
    return facts.dbtBindings.length ? facts : null;
  } catch {
    return null;
  }
}
