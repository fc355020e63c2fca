// Drives `basalt serve` with the official cloudflare SDK (pinned in package-lock.json) through
// every endpoint of the KV subset. Where the SDK and our reading of Cloudflare's docs disagree,
// the SDK wins: these tests are the contract.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Cloudflare from 'cloudflare';
import { File } from 'node:buffer'; // a global only from Node 20; Debian 12 ships 18
import { startServer } from './server.mjs';

const ACCOUNT = '0123456789abcdef0123456789abcdef';
let server;
let cf;

before(async () => {
  server = await startServer();
  cf = new Cloudflare({ apiToken: server.token, baseURL: server.baseURL, maxRetries: 0 });
});

after(async () => {
  await server?.stop();
});

async function newNamespace(title) {
  return cf.kv.namespaces.create({ account_id: ACCOUNT, title });
}

async function refusal(promise) {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  assert.fail('expected the request to be refused');
}

test('namespaces: create, list in pages, get, rename, delete', async () => {
  const created = [];
  for (let i = 0; i < 7; i++) {
    created.push(await newNamespace(`ns-list-${i}`));
  }
  for (const ns of created) {
    assert.match(ns.id, /^[0-9a-f]{32}$/);
  }
  const seen = [];
  for await (const ns of cf.kv.namespaces.list({ account_id: ACCOUNT, per_page: 5 })) {
    seen.push(ns.id);
  }
  for (const ns of created) {
    assert.ok(seen.includes(ns.id), `listed ${ns.id}`);
  }
  assert.equal(new Set(seen).size, seen.length, 'no namespace twice across pages');
  const firstPage = await cf.kv.namespaces.list({ account_id: ACCOUNT, per_page: 5, order: 'title', direction: 'desc' });
  assert.equal(firstPage.result.length, 5);
  assert.ok(firstPage.result_info.total_count >= 7);

  const got = await cf.kv.namespaces.get(created[0].id, { account_id: ACCOUNT });
  assert.equal(got.title, 'ns-list-0');
  const renamed = await cf.kv.namespaces.update(created[0].id, { account_id: ACCOUNT, title: 'renamed' });
  assert.equal(renamed.title, 'renamed');
  assert.equal((await cf.kv.namespaces.get(created[0].id, { account_id: ACCOUNT })).title, 'renamed');

  const duplicate = await refusal(newNamespace('renamed'));
  assert.equal(duplicate.status, 400);
  assert.equal(duplicate.errors[0].code, 10014);

  await cf.kv.namespaces.delete(created[1].id, { account_id: ACCOUNT });
  const gone = await refusal(cf.kv.namespaces.get(created[1].id, { account_id: ACCOUNT }));
  assert.ok(gone instanceof Cloudflare.NotFoundError);
  assert.equal(gone.errors[0].code, 10013);
});

test('values: write with metadata and TTL, read, read metadata, delete', async () => {
  const ns = await newNamespace('values');
  const p = { account_id: ACCOUNT, namespace_id: ns.id };
  await cf.kv.namespaces.values.update('greeting', { ...p, value: 'hello, world',
    metadata: JSON.stringify({ lang: 'en', n: 1 }) });
  const response = await cf.kv.namespaces.values.get('greeting', p);
  assert.equal(await response.text(), 'hello, world');
  assert.deepEqual(await cf.kv.namespaces.metadata.get('greeting', p), { lang: 'en', n: 1 });

  // A metadata object: the SDK sends it as metadata[field] form fields; leaves come back as strings.
  await cf.kv.namespaces.values.update('object-meta', { ...p, value: 'v', metadata: { owner: 'ops' } });
  assert.deepEqual(await cf.kv.namespaces.metadata.get('object-meta', p), { owner: 'ops' });

  // Keys are percent-decoded: slashes, spaces and emoji round-trip.
  const odd = 'dir/sub dir/✓ emoji 🎉?#&';
  await cf.kv.namespaces.values.update(odd, { ...p, value: 'odd' });
  assert.equal(await (await cf.kv.namespaces.values.get(odd, p)).text(), 'odd');

  const before = Math.floor(Date.now() / 1000);
  await cf.kv.namespaces.values.update('ttl', { ...p, value: 'short-lived', expiration_ttl: 120 });
  const page = await cf.kv.namespaces.keys.list(ns.id, { account_id: ACCOUNT, prefix: 'ttl' });
  assert.equal(page.result.length, 1);
  assert.ok(page.result[0].expiration >= before + 120 && page.result[0].expiration <= before + 125,
    `expiration ${page.result[0].expiration} is about now + 120`);
  const absolute = before + 3600;
  await cf.kv.namespaces.values.update('absolute', { ...p, value: 'x', expiration: absolute });
  const abs = await cf.kv.namespaces.keys.list(ns.id, { account_id: ACCOUNT, prefix: 'absolute' });
  assert.equal(abs.result[0].expiration, absolute);

  const bytes = new Uint8Array([0, 1, 2, 253, 254, 255]);
  await cf.kv.namespaces.values.update('binary', { ...p, value: new File([bytes], 'binary') });
  const back = new Uint8Array(await (await cf.kv.namespaces.values.get('binary', p)).arrayBuffer());
  assert.deepEqual(back, bytes);

  await cf.kv.namespaces.values.delete('greeting', p);
  const missing = await refusal(cf.kv.namespaces.values.get('greeting', p));
  assert.equal(missing.status, 404);
  assert.equal(missing.errors[0].code, 10009);
  const missingMeta = await refusal(cf.kv.namespaces.metadata.get('greeting', p));
  assert.equal(missingMeta.status, 404);
});

test('keys: pages with cursors, prefix, metadata and expiration in the listing', async () => {
  const ns = await newNamespace('paging');
  const body = [];
  for (let i = 0; i < 25; i++) {
    body.push({ key: `item-${String(i).padStart(2, '0')}`, value: `v${i}`, metadata: { i } });
  }
  body.push({ key: 'other', value: 'o' });
  const written = await cf.kv.namespaces.keys.bulkUpdate(ns.id, { account_id: ACCOUNT, body });
  assert.equal(written.successful_key_count, 26);

  const first = await cf.kv.namespaces.keys.list(ns.id, { account_id: ACCOUNT, prefix: 'item-', limit: 10 });
  assert.equal(first.result.length, 10);
  assert.equal(first.result[0].name, 'item-00');
  assert.deepEqual(first.result[0].metadata, { i: 0 });
  assert.ok(first.result_info.cursor, 'a cursor while more keys remain');

  const names = [];
  let pages = 0;
  const firstAgain = await cf.kv.namespaces.keys.list(ns.id, { account_id: ACCOUNT, prefix: 'item-', limit: 10 });
  for await (const page of firstAgain.iterPages()) {
    pages++;
    names.push(...page.result.map((k) => k.name));
  }
  assert.equal(pages, 3);
  assert.deepEqual(names, body.slice(0, 25).map((e) => e.key));

  const all = [];
  for await (const key of cf.kv.namespaces.keys.list(ns.id, { account_id: ACCOUNT })) {
    all.push(key.name);
  }
  assert.equal(all.length, 26);
});

test('bulk: write with base64 and metadata, get text/json with and without metadata, delete', async () => {
  const ns = await newNamespace('bulk');
  const id = ns.id;
  const p = { account_id: ACCOUNT };
  await cf.kv.namespaces.bulkUpdate(id, { ...p, body: [
    { key: 'a', value: 'plain' },
    { key: 'b', value: Buffer.from('{"x":1}').toString('base64'), base64: true, metadata: { tag: 'b' } },
    { key: 'c', value: '[1,2,3]', expiration_ttl: 600 },
  ] });
  const text = await cf.kv.namespaces.bulkGet(id, { ...p, keys: ['a', 'b', 'missing'] });
  assert.deepEqual(text.values, { a: 'plain', b: '{"x":1}', missing: null });
  const json = await cf.kv.namespaces.keys.bulkGet(id, { ...p, keys: ['b', 'c'], type: 'json', withMetadata: true });
  assert.deepEqual(json.values.b, { value: { x: 1 }, metadata: { tag: 'b' } });
  assert.deepEqual(json.values.c.value, [1, 2, 3]);
  assert.ok(json.values.c.expiration > Date.now() / 1000);
  const notJson = await refusal(cf.kv.namespaces.bulkGet(id, { ...p, keys: ['a'], type: 'json' }));
  assert.equal(notJson.status, 400);

  const deleted = await cf.kv.namespaces.bulkDelete(id, { ...p, body: ['a', 'b', 'never-there'] });
  assert.equal(deleted.successful_key_count, 3);
  const after = await cf.kv.namespaces.bulkGet(id, { ...p, keys: ['a', 'b', 'c'] });
  assert.deepEqual(after.values, { a: null, b: null, c: '[1,2,3]' });

  const tooMany = await refusal(cf.kv.namespaces.bulkGet(id, { ...p, keys: Array.from({ length: 101 }, (_, i) => `k${i}`) }));
  assert.equal(tooMany.status, 400);
  assert.match(tooMany.message, /101 distinct keys; the limit is 100/);
});

test('errors: missing token, wrong token', async () => {
  const url = `${server.baseURL}/accounts/${ACCOUNT}/storage/kv/namespaces`;
  const missing = await fetch(url);
  assert.equal(missing.status, 401);
  const body = await missing.json();
  assert.equal(body.success, false);
  assert.equal(body.errors[0].code, 10000);

  const wrong = new Cloudflare({ apiToken: 'not-the-token', baseURL: server.baseURL, maxRetries: 0 });
  const refused = await refusal(wrong.kv.namespaces.create({ account_id: ACCOUNT, title: 'never' }));
  assert.ok(refused instanceof Cloudflare.PermissionDeniedError);
  assert.equal(refused.errors[0].code, 10000);
  const titles = [];
  for await (const ns of cf.kv.namespaces.list({ account_id: ACCOUNT })) {
    titles.push(ns.title);
  }
  assert.ok(!titles.includes('never'), 'a refused request wrote nothing');
});

test('errors: too-long key, too-large value, bad metadata JSON, unknown namespace', async () => {
  const ns = await newNamespace('errors');
  const p = { account_id: ACCOUNT, namespace_id: ns.id };

  const longKey = await refusal(cf.kv.namespaces.values.update('k'.repeat(513), { ...p, value: 'v' }));
  assert.equal(longKey.status, 414);
  assert.match(longKey.message, /513 bytes .*the limit is 512/);

  const big = await refusal(cf.kv.namespaces.values.update('big', { ...p, value: new File([new Uint8Array(25 * 1024 * 1024 + 1)], 'big') }));
  assert.equal(big.status, 413);
  assert.equal(big.errors[0].code, 10024);
  assert.match(big.message, /26214400/);

  const badMeta = await refusal(cf.kv.namespaces.values.update('meta', { ...p, value: 'v', metadata: '{not json' }));
  assert.equal(badMeta.status, 400);
  assert.equal(badMeta.errors[0].code, 10029);
  const bigMeta = await refusal(cf.kv.namespaces.values.update('meta', { ...p, value: 'v', metadata: JSON.stringify({ s: 'x'.repeat(1100) }) }));
  assert.equal(bigMeta.status, 413);
  assert.match(bigMeta.message, /the limit is 1024/);

  const shortTtl = await refusal(cf.kv.namespaces.values.update('ttl', { ...p, value: 'v', expiration_ttl: 10 }));
  assert.equal(shortTtl.status, 400);
  assert.match(shortTtl.message, /minimum is 60/);

  const listing = await cf.kv.namespaces.keys.list(ns.id, { account_id: ACCOUNT });
  assert.deepEqual(listing.result, [], 'no refused write left a key');

  const unknown = await refusal(cf.kv.namespaces.values.get('k', { account_id: ACCOUNT, namespace_id: 'f'.repeat(32) }));
  assert.equal(unknown.status, 404);
  assert.equal(unknown.errors[0].code, 10013);
  const malformed = await refusal(cf.kv.namespaces.keys.list('not-an-id', { account_id: ACCOUNT }));
  assert.equal(malformed.status, 400);
  assert.equal(malformed.errors[0].code, 10011);
});
