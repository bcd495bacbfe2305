/** Provider defaults as resolved from the config file (src/config/provider.ts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveProvider } from '../../src/config/index.js';

test('connection defaults: 1024 connections per worker, 10 s to connect, HTTP/1.1', () => {
  const problems: string[] = [];
  const p = resolveProvider('local', { type: 'custom', base_url: 'http://127.0.0.1:8000/v1' }, problems);
  assert.deepEqual(problems, []);
  assert.equal(p?.maxConnections, 1024);
  assert.equal(p?.connectTimeoutMs, 10_000);
  assert.equal(p?.http2, false);
});

test('configured connection settings are kept', () => {
  const p = resolveProvider('local', { type: 'custom', base_url: 'http://127.0.0.1:8000/v1', max_connections: 8, connect_timeout_ms: 500, http2: true }, []);
  assert.equal(p?.maxConnections, 8);
  assert.equal(p?.connectTimeoutMs, 500);
  assert.equal(p?.http2, true);
});
