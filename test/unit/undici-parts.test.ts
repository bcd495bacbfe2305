/**
 * The transport loads undici's Pool and errors from their own modules (see src/providers/undici-parts.ts).
 * If an undici upgrade moves or changes them, this fails before anything else does: same classes as the
 * package index, and a real exchange through the pool's dispatch (what the transport uses).
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import * as undici from 'undici';
import { Pool, undiciErrors } from '../../src/providers/undici-parts.js';

test('the deep imports are the package’s own classes', () => {
  assert.equal(Pool, undici.Pool);
  assert.equal(undiciErrors.HeadersTimeoutError, undici.errors.HeadersTimeoutError);
  assert.equal(undiciErrors.BodyTimeoutError, undici.errors.BodyTimeoutError);
  assert.equal(undiciErrors.ConnectTimeoutError, undici.errors.ConnectTimeoutError);
});

test('dispatch through the pool delivers status, headers and body', async () => {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => { res.writeHead(201, { 'x-echo': req.method ?? '' }); res.end(`got ${body}`); });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const pool = new Pool(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, { connections: 2 });
  try {
    const got = await new Promise<{ status: number; echo: unknown; body: string }>((resolve, reject) => {
      let status = 0;
      let echo: unknown;
      const parts: Buffer[] = [];
      pool.dispatch({ method: 'POST', path: '/x', body: 'ping' }, {
        onRequestStart: () => {},
        onResponseStart: (_c, s, headers) => { status = s; echo = headers['x-echo']; },
        onResponseData: (_c, chunk) => { parts.push(chunk); },
        onResponseEnd: () => resolve({ status, echo, body: Buffer.concat(parts).toString() }),
        onResponseError: (_c, err) => reject(err),
      });
    });
    assert.deepEqual(got, { status: 201, echo: 'POST', body: 'got ping' });
  } finally {
    await pool.close();
    server.close();
  }
});
