import type { Node } from 'web-tree-sitter';
import type { KeyReference } from '../../model/reference';
import type { CallRole } from './callNames';
import { locationOf, type ReaderContext } from './context';
import { evalKey } from './keys';
import { argumentsOf, objectProperties, unwrap } from './syntax';

/** Where the asset key goes positionally: (metadata, dataVersion, assetKey) / (checkName, passed, severity, metadata, assetKey). */
const POSITION: Partial<Record<CallRole, number>> = { reportAssetMaterialization: 2, reportAssetCheck: 4 };

/**
 * A Dagster Pipes report naming its asset. Pipes asset keys are "/"-joined
 * strings. Without an asset key the report goes to the run's only asset,
 * which this file cannot name, so no reference.
 */
export function readPipesReport(ctx: ReaderContext, call: Node, role: CallRole): KeyReference | null {
  ctx.handled.add(call.id);
  const args = argumentsOf(call);
  let keyNode: Node | null = null;
  for (const a of args) {
    const u = unwrap(a);
    if (u?.type !== 'object') continue;
    const p = objectProperties(u);
    const k = p.get('assetKey') ?? p.get('asset_key');
    if (k) keyNode = k.value;
  }
  const pos = POSITION[role];
  if (!keyNode && pos !== undefined && args[pos]) keyNode = args[pos];
  const e = keyNode ? evalKey(ctx, keyNode, 'path') : null;
  if (!e) return null;
  return { target: { kind: 'key', key: e.key }, location: locationOf(ctx, e.start, e.end), role: 'mention', form: 'pipes' };
}
