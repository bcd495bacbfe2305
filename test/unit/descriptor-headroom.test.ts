/**
 * When the request log may open an lmdb environment: only with a wide margin of free descriptors, counted;
 * a refusal is not recounted for a second, and a generous count is trusted for a moment.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { freeDescriptors } from '../../src/core/index.js';
import { DescriptorHeadroom, OPEN_MARGIN } from '../../src/store/descriptor-headroom.js';

function headroom(frees: Array<number | undefined>) {
  let t = 0;
  let counts = 0;
  const h = new DescriptorHeadroom(() => { counts++; return frees.shift(); }, () => t);
  return { h, at: (ms: number) => { t = ms; }, counts: () => counts };
}

test('an open needs the margin free; below it the answer is no, without a recount for a second', () => {
  const { h, at, counts } = headroom([OPEN_MARGIN - 1, OPEN_MARGIN, OPEN_MARGIN + 10]);
  assert.equal(h.allowsOpen(), false);
  at(999);
  assert.equal(h.allowsOpen(), false);
  assert.equal(counts(), 1, 'no recount within a second of a refusal');
  at(1000);
  assert.equal(h.allowsOpen(), true);
  at(1001);
  assert.equal(h.allowsOpen(), true);
  assert.equal(counts(), 3, 'a count just above the margin is not trusted: every open recounts');
});

test('a generous count is trusted for 250 ms; an unknown count allows the open', () => {
  const { h, at, counts } = headroom([OPEN_MARGIN * 8, 5, undefined]);
  assert.equal(h.allowsOpen(), true);
  at(249);
  assert.equal(h.allowsOpen(), true);
  assert.equal(counts(), 1);
  at(250);
  assert.equal(h.allowsOpen(), false);
  at(1250);
  assert.equal(h.allowsOpen(), true, 'no /proc: nothing to go by');
});

test('freeDescriptors counts this process: opening files lowers it by as many', async () => {
  const { openSync, closeSync } = await import('node:fs');
  const before = freeDescriptors();
  if (before === undefined) return; // no /proc
  const fds = Array.from({ length: 10 }, () => openSync('/dev/null', 'r'));
  try {
    assert.equal(freeDescriptors(), before - 10);
  } finally {
    for (const fd of fds) closeSync(fd);
  }
  assert.equal(freeDescriptors(), before);
});
