import type { Node } from 'web-tree-sitter';
import type { KeyExpr, TranslatorCase, TranslatorFact } from '../../model/code';
import type { ReadContext } from './context';
import { callArgs, namedChildren, stringLiteral, stringParts, unwrap } from './syntax';

/**
 * Custom `DagsterDbtTranslator` subclasses, evaluated symbolically: the body
 * of `get_asset_key` becomes an ordered list of cases (`when` conditions on
 * the resource type / name → a key expression). Only straight-line code,
 * `if`/`elif`/`else` on simple comparisons, local variables read from the
 * node's properties, f-strings and `AssetKey` / `super()` / `.with_prefix`
 * are understood; anything else gives `cases: null` with a reason.
 */

/** dbt node properties the placeholders stand for. */
const FIELDS: Record<string, string> = {
  name: 'name',
  source_name: 'source_name',
  alias: 'alias',
  schema: 'schema',
  resource_type: 'resource_type',
  database: 'database',
  package_name: 'package_name',
};

type Value =
  | { kind: 'field'; field: string }
  | { kind: 'str'; template: string }
  | { kind: 'strs'; templates: string[] }
  | { kind: 'key'; key: KeyExpr }
  /** assigned from something we cannot evaluate; an error only once used */
  | { kind: 'opaque'; text: string };

type When = NonNullable<TranslatorCase['when']>;

class NotEvaluable extends Error {}

function fail(reason: string): never {
  throw new NotEvaluable(reason);
}

function short(node: Node): string {
  const t = node.text.replace(/\s+/g, ' ');
  return t.length > 60 ? `${t.slice(0, 60)}…` : t;
}

interface Env {
  vars: Map<string, Value>;
}

class Evaluator {
  constructor(
    private readonly ctx: ReadContext,
    /** the parameter holding dbt_resource_props */
    private readonly props: string,
    /** super() is DagsterDbtTranslator itself (not another custom translator) */
    private readonly superIsDefault: boolean,
  ) {}

  /** `props["name"]`, `props.get("name")`, `props["config"]["schema"]` → the field. */
  private propField(node: Node): string | null {
    const n = unwrap(node);
    if (n.type === 'subscript') {
      const value = n.childForFieldName('value');
      const sub = stringLiteral(n.childForFieldName('subscript'));
      if (!value || !sub) return null;
      if (unwrap(value).type === 'identifier' && unwrap(value).text === this.props) return sub.value;
      // props["config"]["schema"]: the configured schema
      if (sub.value === 'schema' && this.propField(value) === 'config') return 'schema';
      return null;
    }
    if (n.type === 'call') {
      const fn = n.childForFieldName('function');
      if (fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'get') {
        const obj = fn.childForFieldName('object');
        const arg = callArgs(n)?.positional[0];
        const key = stringLiteral(arg ? unwrap(arg) : null);
        if (!obj || !key) return null;
        if (unwrap(obj).type === 'identifier' && unwrap(obj).text === this.props) return key.value;
        if (key.value === 'schema' && this.propField(obj) === 'config') return 'schema';
      }
    }
    return null;
  }

  value(node: Node, env: Env): Value {
    const n = unwrap(node);
    if (n.type === 'identifier') {
      const v = env.vars.get(n.text);
      if (!v) fail(`unknown name ${n.text}`);
      if (v.kind === 'opaque') fail(`cannot evaluate ${v.text}`);
      return v;
    }
    const field = this.propField(n);
    if (field !== null) {
      if (!FIELDS[field] && field !== 'config') fail(`reads dbt property "${field}"`);
      return { kind: 'field', field };
    }
    if (n.type === 'string' || n.type === 'concatenated_string') return { kind: 'str', template: this.template(n, env) };
    if (n.type === 'binary_operator' && n.child(1)?.type === '+') {
      const l = this.str(n.childForFieldName('left')!, env);
      const r = this.str(n.childForFieldName('right')!, env);
      return { kind: 'str', template: l + r };
    }
    if (n.type === 'list' || n.type === 'tuple') return { kind: 'strs', templates: namedChildren(n).map((e) => this.str(e, env)) };
    if (n.type === 'call') return { kind: 'key', key: this.keyCall(n, env) };
    return fail(`cannot evaluate ${short(n)}`);
  }

  private str(node: Node, env: Env): string {
    const v = this.value(node, env);
    if (v.kind === 'str') return v.template;
    if (v.kind === 'field' && FIELDS[v.field]) return `{${FIELDS[v.field]}}`;
    return fail(`expected a string: ${short(node)}`);
  }

  private template(node: Node, env: Env): string {
    if (node.type === 'concatenated_string') return namedChildren(node).map((c) => this.template(c, env)).join('');
    const sp = stringParts(node);
    if (!sp) fail(`cannot evaluate ${short(node)}`);
    let out = '';
    for (const p of sp.parts) {
      if (p.kind === 'text') out += p.text;
      else {
        if (p.hasFormat) fail(`formatted interpolation in ${short(node)}`);
        out += this.str(p.node, env);
      }
    }
    return out;
  }

  private parts(node: Node, env: Env): string[] {
    const v = this.value(node, env);
    if (v.kind === 'strs') return v.templates;
    if (v.kind === 'str') return [v.template];
    if (v.kind === 'field' && FIELDS[v.field]) return [`{${FIELDS[v.field]}}`];
    return fail(`expected key parts: ${short(node)}`);
  }

  private isSuperCall(node: Node): boolean {
    const n = unwrap(node);
    if (n.type !== 'call') return false;
    const fn = n.childForFieldName('function');
    return fn?.type === 'identifier' && fn.text === 'super';
  }

  /** Calls that produce keys. */
  private keyCall(call: Node, env: Env): KeyExpr {
    const fn = call.childForFieldName('function');
    const args = callArgs(call);
    if (!fn || !args) return fail(`cannot evaluate ${short(call)}`);
    if (fn.type === 'attribute') {
      const attr = fn.childForFieldName('attribute')?.text;
      const obj = fn.childForFieldName('object')!;
      if (attr === 'with_prefix') {
        const base = this.keyOf(obj, env);
        const prefix = this.parts(args.positional[0] ?? fail('with_prefix without argument'), env);
        return base.kind === 'default' ? { kind: 'default', prefix: [...prefix, ...base.prefix] } : { kind: 'parts', parts: [...prefix, ...base.parts] };
      }
      if (attr === 'get_asset_key') {
        const viaSuper = this.isSuperCall(obj);
        const viaBase = this.ctx.scope.dagsterName(obj) === 'DagsterDbtTranslator';
        if (viaBase || (viaSuper && this.superIsDefault)) return { kind: 'default', prefix: [] };
        if (viaSuper) fail('calls get_asset_key of another custom translator');
      }
    }
    const name = this.ctx.scope.dagsterName(fn);
    if (name === 'AssetKey') {
      const first = args.positional[0] ?? fail('AssetKey without argument');
      const v = this.value(first, env);
      if (v.kind === 'strs') return { kind: 'parts', parts: v.templates };
      return { kind: 'parts', parts: [this.str(first, env)] };
    }
    if (name === 'AssetKey.from_user_string') {
      const t = this.str(args.positional[0] ?? fail('from_user_string without argument'), env);
      return { kind: 'parts', parts: t.split('/').filter((p) => p.length > 0) };
    }
    return fail(`calls ${short(fn)}`);
  }

  private keyOf(node: Node, env: Env): KeyExpr {
    const v = this.value(node, env);
    if (v.kind !== 'key') fail(`expected an AssetKey: ${short(node)}`);
    return v.key;
  }

  /** A condition on the resource type / name. */
  condition(node: Node, env: Env): When {
    const n = unwrap(node);
    if (n.type === 'not_operator') {
      const inner = this.condition(n.childForFieldName('argument')!, env);
      const keys = Object.keys(inner) as (keyof When)[];
      if (keys.length !== 1) fail(`negation of a compound condition: ${short(n)}`);
      const k = keys[0];
      const flip: Record<keyof When, keyof When> = { resourceType: 'notResourceType', notResourceType: 'resourceType', name: 'notName', notName: 'name' };
      return { [flip[k]]: inner[k] } as When;
    }
    if (n.type === 'boolean_operator') {
      const op = n.child(1)?.type;
      const l = this.condition(n.childForFieldName('left')!, env);
      const r = this.condition(n.childForFieldName('right')!, env);
      if (op === 'and') return conjoin(l, r);
      // `or` of the same positive test: a union
      const lk = Object.keys(l) as (keyof When)[];
      const rk = Object.keys(r) as (keyof When)[];
      if (lk.length === 1 && rk.length === 1 && lk[0] === rk[0] && (lk[0] === 'resourceType' || lk[0] === 'name')) {
        return { [lk[0]]: [...new Set([...(l[lk[0]] ?? []), ...(r[rk[0]] ?? [])])] } as When;
      }
      return fail(`condition too complex: ${short(n)}`);
    }
    if (n.type === 'comparison_operator') {
      const operands = namedChildren(n);
      const ops = n.childrenForFieldName('operators').filter((o): o is Node => !!o);
      if (operands.length !== 2 || ops.length !== 1) fail(`condition too complex: ${short(n)}`);
      const op = ops[0].type;
      let [a, b] = operands;
      let field = this.fieldOf(a, env);
      if (!field && (op === '==' || op === '!=')) {
        field = this.fieldOf(b, env);
        [a, b] = [b, a];
      }
      if (field !== 'resource_type' && field !== 'name') fail(`condition on something other than resource_type / name: ${short(n)}`);
      let values: string[];
      if (op === '==' || op === '!=') values = [this.literal(b, env)];
      else if (op === 'in' || op === 'not in') {
        const seq = unwrap(b);
        if (seq.type !== 'tuple' && seq.type !== 'list' && seq.type !== 'set') fail(`condition too complex: ${short(n)}`);
        values = namedChildren(seq).map((e) => this.literal(e, env));
      } else return fail(`condition too complex: ${short(n)}`);
      const positive = op === '==' || op === 'in';
      if (field === 'resource_type') return positive ? { resourceType: values } : { notResourceType: values };
      return positive ? { name: values } : { notName: values };
    }
    return fail(`condition too complex: ${short(n)}`);
  }

  private fieldOf(node: Node, env: Env): string | null {
    const n = unwrap(node);
    if (n.type === 'identifier') {
      const v = env.vars.get(n.text);
      return v?.kind === 'field' ? v.field : null;
    }
    return this.propField(n);
  }

  private literal(node: Node, env: Env): string {
    const s = stringLiteral(unwrap(node));
    if (s) return s.value;
    const n = unwrap(node);
    if (n.type === 'identifier') {
      const v = env.vars.get(n.text);
      if (v?.kind === 'str' && !v.template.includes('{')) return v.template;
      const c = this.ctx.scope.constants.get(n.text);
      if (c !== undefined) return c;
    }
    return fail(`compares with a non-literal: ${short(n)}`);
  }

  /**
   * Run a block under the conditions `when`, appending cases. Returns whether
   * every path through it returns.
   */
  block(block: Node, env: Env, when: When, cases: TranslatorCase[]): boolean {
    for (const stmt of namedChildren(block)) {
      switch (stmt.type) {
        case 'pass_statement':
          continue;
        case 'expression_statement': {
          const inner = namedChildren(stmt)[0];
          if (!inner) continue;
          if (inner.type === 'string') continue; // docstring / comment string
          if (inner.type === 'assignment') {
            this.assign(inner, env);
            continue;
          }
          return fail(`statement ${short(stmt)}`);
        }
        case 'return_statement': {
          const v = namedChildren(stmt)[0];
          if (!v) fail('returns nothing');
          const key = this.keyOf(v, env);
          cases.push(Object.keys(when).length ? { when: { ...when }, key } : { key });
          return true;
        }
        case 'raise_statement':
          return true;
        case 'if_statement': {
          if (this.ifStatement(stmt, env, when, cases)) return true;
          continue;
        }
        default:
          return fail(`${stmt.type.replace(/_/g, ' ')} in get_asset_key`);
      }
    }
    return false;
  }

  private assign(assignment: Node, env: Env): void {
    const left = assignment.childForFieldName('left');
    const right = assignment.childForFieldName('right');
    if (!left || left.type !== 'identifier' || !right) fail(`assignment ${short(assignment)}`);
    try {
      env.vars.set(left.text, this.value(right, env));
    } catch (e) {
      if (!(e instanceof NotEvaluable)) throw e;
      env.vars.set(left.text, { kind: 'opaque', text: short(right) });
    }
  }

  private ifStatement(stmt: Node, env: Env, when: When, cases: TranslatorCase[]): boolean {
    const branches: { cond: Node | null; body: Node }[] = [];
    branches.push({ cond: stmt.childForFieldName('condition'), body: stmt.childForFieldName('consequence')! });
    for (const alt of stmt.childrenForFieldName('alternative')) {
      if (!alt) continue;
      if (alt.type === 'elif_clause') branches.push({ cond: alt.childForFieldName('condition'), body: alt.childForFieldName('consequence')! });
      else if (alt.type === 'else_clause') branches.push({ cond: null, body: alt.childForFieldName('body')! });
    }
    let allReturn = branches[branches.length - 1].cond === null;
    for (const b of branches) {
      if (!b.body) fail('incomplete if statement');
      const inner: When = b.cond ? conjoin(when, this.condition(b.cond, env)) : when;
      const branchEnv: Env = { vars: new Map(env.vars) };
      const returns = this.block(b.body, branchEnv, inner, cases);
      if (!returns) {
        allReturn = false;
        // a branch that falls through must not change variables the rest reads
        for (const [k, v] of branchEnv.vars) if (env.vars.get(k) !== v) fail(`conditional assignment to ${k}`);
      }
    }
    return allReturn;
  }
}

function conjoin(a: When, b: When): When {
  const out: When = { ...a };
  for (const k of Object.keys(b) as (keyof When)[]) {
    const bv = b[k]!;
    const av = out[k];
    if (!av) out[k] = [...bv];
    else if (k === 'resourceType' || k === 'name') out[k] = av.filter((x) => bv.includes(x));
    else out[k] = [...new Set([...av, ...bv])];
  }
  return out;
}

function methods(cls: Node): Map<string, Node> {
  const out = new Map<string, Node>();
  const body = cls.childForFieldName('body');
  if (!body) return out;
  for (let s of namedChildren(body)) {
    if (s.type === 'decorated_definition') s = s.childForFieldName('definition') ?? s;
    if (s.type !== 'function_definition') continue;
    const name = s.childForFieldName('name')?.text;
    if (name) out.set(name, s);
  }
  return out;
}

function paramNames(fn: Node): string[] {
  const params = fn.childForFieldName('parameters');
  if (!params) return [];
  return namedChildren(params).map((p) => {
    if (p.type === 'identifier') return p.text;
    const n = p.childForFieldName('name') ?? namedChildren(p).find((c) => c.type === 'identifier');
    return n?.text ?? '';
  });
}

/** The literal `get_group_name` returns, if it is one. */
function literalReturn(fn: Node): string | undefined {
  const body = fn.childForFieldName('body');
  const stmts = body ? namedChildren(body).filter((s) => !(s.type === 'expression_statement' && namedChildren(s)[0]?.type === 'string')) : [];
  if (stmts.length !== 1 || stmts[0].type !== 'return_statement') return undefined;
  return stringLiteral(namedChildren(stmts[0])[0] ? unwrap(namedChildren(stmts[0])[0]) : null)?.value;
}

/**
 * A class definition: a TranslatorFact when it derives from
 * DagsterDbtTranslator (directly or through a translator class above it in
 * this file), else null.
 */
export function readTranslatorClass(ctx: ReadContext, cls: Node, localTranslators: Map<string, TranslatorFact>): TranslatorFact | null {
  const nameNode = cls.childForFieldName('name');
  const supers = cls.childForFieldName('superclasses');
  if (!nameNode || !supers) return null;
  let parent: TranslatorFact | null | undefined;
  for (const b of namedChildren(supers)) {
    if (b.type === 'keyword_argument') continue;
    if (ctx.scope.dagsterName(b) === 'DagsterDbtTranslator') parent = null;
    else if (b.type === 'identifier' && localTranslators.has(b.text)) parent = localTranslators.get(b.text)!;
  }
  if (parent === undefined) return null;
  const fact: TranslatorFact = { name: nameNode.text, location: ctx.loc(nameNode), cases: null };
  const ms = methods(cls);
  const group = ms.get('get_group_name');
  if (group) {
    const g = literalReturn(group);
    if (g !== undefined) fact.group = g;
  } else if (parent?.group) fact.group = parent.group;
  const getKey = ms.get('get_asset_key');
  if (!getKey) {
    if (parent) {
      fact.cases = parent.cases;
      if (parent.reason) fact.reason = parent.reason;
    } else fact.cases = [{ key: { kind: 'default', prefix: [] } }];
    return fact;
  }
  const params = paramNames(getKey);
  const props = params[1];
  const body = getKey.childForFieldName('body');
  if (!props || !body) {
    fact.reason = 'get_asset_key has an unexpected signature';
    return fact;
  }
  try {
    const cases: TranslatorCase[] = [];
    new Evaluator(ctx, props, parent === null).block(body, { vars: new Map() }, {}, cases);
    if (cases.length === 0) fail('get_asset_key returns no key');
    fact.cases = cases;
  } catch (e) {
    if (!(e instanceof NotEvaluable)) throw e;
    fact.reason = e.message;
  }
  return fact;
}
