/**
 * The transport loads undici's Client, connector and errors from their own modules (see
 * src/providers/undici-parts.ts). If an undici upgrade moves or changes them, this fails before anything
 * else does: same classes as the package index, and a real exchange through a client's dispatch (what the
 * transport's HTTP/1.1 pool uses) over the shared connector.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import * as undici from 'undici';
import { buildConnector, Client, undiciErrors } from '../../src/providers/undici-parts.js';

test('the deep imports are the package’s own classes', () => {
  assert.equal(Client, undici.Client);
  assert.equal(buildConnector, undici.buildConnector);
  assert.equal(undiciErrors.HeadersTimeoutError, undici.errors.HeadersTimeoutError);
  assert.equal(undiciErrors.BodyTimeoutError, undici.errors.BodyTimeoutError);
  assert.equal(undiciErrors.ConnectTimeoutError, undici.errors.ConnectTimeoutError);
});

test('dispatch through a client with a built connector delivers status, headers and body', async () => {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => { res.writeHead(201, { 'x-echo': req.method ?? '' }); res.end(`got ${body}`); });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const pool = new Client(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, { connect: buildConnector({ timeout: 1000 }), pipelining: 1 });
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
