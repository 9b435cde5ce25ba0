import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { AssetWorkspace } from '../../../server/src/workspace/workspace';
import { candidatesPrepared } from '../../../server/src/analysis/suggest';

const TAXI = join(__dirname, '..', '..', '..', '..', 'examples', 'taxi');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('the did-you-mean lists of the first index are ready when it ends; those of a later full link wait for a quiet moment', async () => {
  const ws = new AssetWorkspace({ roots: [TAXI] });
  try {
    await ws.indexAll();
    const ids = () => (ws as unknown as { linked: { link: { assetIds: Set<string> } } }).linked.link.assetIds;
    assert.ok(ids().size > 5);
    assert.equal(candidatesPrepared(ids()), true, 'built with the first index');
    // a model made ephemeral (edited in its buffer) is no asset: a full link with a new key set, whose lists wait for the editor's quiet time
    const zones = join(TAXI, 'analytics', 'models', 'staging', 'stg_zones.sql');
    ws.setOpenDocument(zones, `{{ config(materialized='ephemeral') }}\n${ws.readText(zones)}`);
    await ws.filesChanged([zones]);
    assert.equal(ws.lastLink, 'full');
    assert.equal(candidatesPrepared(ids()), false, 'not built in the link itself');
    const calm = Date.now();
    while (!candidatesPrepared(ids()) && Date.now() - calm < 5000) await sleep(50);
    assert.equal(candidatesPrepared(ids()), true, 'built once quiet');
  } finally {
    ws.dispose();
  }
});
