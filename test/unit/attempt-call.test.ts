/**
 * Cancellation of an upstream attempt without an AbortController per request: callbacks fire when the
 * client goes away or the attempt's time is up, the signal (made on first use) agrees with them, and
 * dispose() releases the timer and the hook on the request.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { RequestState } from '../../src/core/request-state.js';
import { AttemptCall } from '../../src/router/attempt-call.js';

test('client cancellation reaches the attempt: callbacks, then a signal made afterwards', () => {
  const st = new RequestState('r1', 'chat');
  const call = new AttemptCall(st, { totalMs: 10_000 });
  let fired = 0;
  call.onCancel(() => fired++);
  assert.equal(call.isCancelled, false);
  st.cancel();
  st.cancel();
  assert.equal(fired, 1);
  assert.equal(call.isCancelled, true);
  assert.equal(call.signal.aborted, true);
  assert.equal((call.signal.reason as Error).name, 'AbortError');
  let late = 0;
  call.onCancel(() => late++);
  assert.equal(late, 1, 'a callback registered after cancellation runs at once');
  call.dispose();
});

test('the total time cancels with a TimeoutError; a signal made before fires too', async () => {
  const st = new RequestState('r2', 'chat');
  const call = new AttemptCall(st, { totalMs: 30 });
  const signal = call.signal;
  let fired = 0;
  call.onCancel(() => fired++);
  await sleep(80);
  assert.equal(fired, 1);
  assert.equal(signal.aborted, true);
  assert.equal((signal.reason as Error).name, 'TimeoutError');
  assert.equal((call.cancelReason as Error).name, 'TimeoutError');
  assert.equal(st.isCancelled, false, 'the attempt timing out does not cancel the request');
  call.dispose();
});

test('dispose releases the timer and the hook on the request', async () => {
  const st = new RequestState('r3', 'chat');
  const call = new AttemptCall(st, { totalMs: 30 });
  let fired = 0;
  call.onCancel(() => fired++);
  call.dispose();
  await sleep(80);
  st.cancel();
  assert.equal(fired, 0);
  assert.equal(call.isCancelled, false);
});

test('an unregistered callback does not run', () => {
  const st = new RequestState('r4', 'chat');
  let a = 0;
  let b = 0;
  const offA = st.onCancel(() => a++);
  st.onCancel(() => b++);
  offA();
  st.cancel();
  assert.deepEqual([a, b], [0, 1]);
});
