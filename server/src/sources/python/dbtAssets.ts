import type { Node } from 'web-tree-sitter';
import type { DbtAssetsBindingFact } from '../../model/code';
import type { ReadContext } from './context';
import { partitionsRef } from './partitions';
import { projectDirOf } from './paths';
import { argument, callArgs, dottedName, stringLiteral, unwrap } from './syntax';

/** `@dbt_assets(manifest=..., select=..., dagster_dbt_translator=...)` → a binding of dbt nodes. */

export const DBT_ASSETS_DECORATORS = ['dbt_assets'];

/** `dagster_dbt_translator=` value: a custom class instance, a variable bound to one, or the default. */
function translatorRef(ctx: ReadContext, node: Node | undefined, depth = 0): DbtAssetsBindingFact['translator'] {
  if (!node || depth > 5) return undefined;
  const n = unwrap(node);
  if (n.type === 'call') {
    const fn = n.childForFieldName('function');
    if (!fn) return undefined;
    // the stock translator adds nothing
    if (ctx.scope.dagsterName(fn) === 'DagsterDbtTranslator') return undefined;
    const name = dottedName(fn);
    if (!name) return undefined;
    ctx.consume(n);
    ctx.usedNames.add(name);
    return { kind: 'name', name, location: ctx.loc(fn) };
  }
  if (n.type === 'identifier') {
    const a = ctx.scope.assignments.get(n.text);
    if (a) return translatorRef(ctx, a.value, depth + 1);
  }
  return undefined;
}

export function readDbtAssets(ctx: ReadContext, fn: Node, call: Node | null): void {
  const nameNode = fn.childForFieldName('name');
  if (!nameNode) return;
  const args = call ? callArgs(call) : null;
  const str = (k: string) => {
    const v = argument(args, k);
    return v ? stringLiteral(unwrap(v))?.value : undefined;
  };
  const binding: DbtAssetsBindingFact = {
    name: nameNode.text,
    location: ctx.loc(nameNode),
    select: str('select') ?? 'fqn:*',
  };
  const exclude = str('exclude');
  if (exclude) binding.exclude = exclude;
  const partitions = partitionsRef(ctx, argument(args, 'partitions_def'));
  if (partitions) binding.partitions = partitions;
  const translator = translatorRef(ctx, argument(args, 'dagster_dbt_translator'));
  if (translator) binding.translator = translator;
  const projectDir = projectDirOf(ctx, argument(args, 'manifest', 0)) ?? projectDirOf(ctx, argument(args, 'project'));
  if (projectDir) binding.projectDir = projectDir;
  ctx.facts.dbtBindings.push(binding);
  // which keys it produces is for the linker (it needs the manifest)
  ctx.facts.symbols.definitions[nameNode.text] = [];
  ctx.localKeys.set(nameNode.text, []);
  ctx.dbtFunctions.add(nameNode.text);
}
