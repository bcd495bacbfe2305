/** Request ids: random UUIDs held as flat strings (thousands are alive at a time, one per request in flight). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { newRequestId } from '../../src/core/index.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Heap bytes each retained id costs, over `n` ids made by `make`. */
function bytesPerId(make: () => string, n = 20_000): number {
  gc();
  const before = process.memoryUsage().heapUsed;
  const ids = new Array<string>(n);
  for (let i = 0; i < n; i++) ids[i] = make();
  gc();
  const per = (process.memoryUsage().heapUsed - before) / n;
  assert.equal(ids.length, n);
  return per;
}

test('request ids are distinct random UUIDs', () => {
  const ids = new Set(Array.from({ length: 10_000 }, newRequestId));
  assert.equal(ids.size, 10_000);
  for (const id of [...ids].slice(0, 100)) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});

test('a retained request id costs a flat string, not a tree of concatenated pieces', () => {
  // A flat 36-character string plus its slot in the array is about 60 bytes; a randomUUID() string as Node
  // returns it is a tree of string pieces of about 490 bytes.
  // Warmed up first, so the optimised code is measured too (the flattening read must not be dropped as dead).
  let chars = 0;
  for (let i = 0; i < 200_000; i++) chars += newRequestId().length;
  assert.equal(chars, 200_000 * 36);
  const per = bytesPerId(newRequestId);
  assert.ok(per < 120, `${per.toFixed(0)} bytes per id`);
});
