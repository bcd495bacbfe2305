/**
 * Providers through the admin API on a real two-node cluster: a provider added on node A is used through
 * node B within a second (no restart), replaced (its new key reaches the upstream), and deleted again;
 * validation uses the config schema; the provider key never appears in a response, the audit log, a log
 * line or a metric.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { aliveIds, launchGateway, waitFor, type GatewayNode } from '../e2e/helpers/gateway.js';
import { killAll } from '../e2e/helpers/processes.js';

const KEY = randomBytes(32).toString('hex');
const SECRET_1 = `sk-upstream-first-${randomBytes(12).toString('hex')}`;
const SECRET_2 = `sk-upstream-second-${randomBytes(12).toString('hex')}`;
const CONFIG = {
  logging: { level: 'info' },
  providers: { mock: { type: 'mock' } },
  cluster: { heartbeat_ms: 200, suspect_after_ms: 800, dead_after_ms: 2000, sync_interval_ms: 1000 },
};

/** A fake OpenAI-compatible upstream that records the Authorization header of every request. */
function fakeUpstream(): Promise<{ server: Server; url: string; auth: string[] }> {
  const auth: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      auth.push(String(req.headers.authorization));
      const model = (JSON.parse(body || '{}') as { model?: string }).model ?? 'x';
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({
        id: 'chatcmpl-1', object: 'chat.completion', created: 1, model,
        choices: [{ index: 0, message: { role: 'assistant', content: 'from the fake upstream' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 },
      }));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, auth })));
}

describe('providers through the admin API, hot-reloaded on every node', { timeout: 60_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), 'sy-providers-'));
  let a: GatewayNode;
  let b: GatewayNode;
  let upstream: Awaited<ReturnType<typeof fakeUpstream>>;

  const api = async (node: GatewayNode, method: string, path: string, body?: unknown, token = node.spec.adminToken) => {
    const r = await fetch(`${node.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    return { status: r.status, text, body: text ? JSON.parse(text) : undefined };
  };
  const chat = async (node: GatewayNode, model: string) => {
    const r = await fetch(`${node.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }) });
    return { status: r.status, text: await r.text() };
  };

  before(async () => {
    upstream = await fakeUpstream();
    a = await launchGateway(root, { name: 'a', clusterKey: KEY, config: CONFIG, workers: 2 });
    b = await launchGateway(root, { name: 'b', clusterKey: KEY, config: CONFIG, workers: 2, seeds: [a.seedAddress] });
    const ids = [a.nodeId, b.nodeId].sort().join();
    await waitFor('both nodes see each other', async () => (await Promise.all([a.status(), b.status()])).every((s) => aliveIds(s).join() === ids), 15_000);
  });
  after(async () => {
    await killAll();
    await new Promise((r) => upstream.server.close(r));
    rmSync(root, { recursive: true, force: true });
  });

  test('PUT on node A, used through node B within a second, secrets masked everywhere', async () => {
    assert.equal((await chat(b, 'fake/gpt-x')).status, 404);
    const put = await api(a, 'PUT', '/api/providers/fake', { type: 'openai', base_url: upstream.url, api_key: SECRET_1, models: ['gpt-x'], timeout_ms: 5000 });
    assert.equal(put.status, 200, put.text);
    assert.equal(put.body.api_key, `sk-...${SECRET_1.slice(-4)}`);
    assert.equal(put.body.source, 'api');
    const t0 = Date.now();
    let last = { status: 0, text: '' };
    const took = await waitFor('fake/gpt-x served through node B', async () => {
      last = await chat(b, 'fake/gpt-x');
      return last.status === 200;
    }, 5_000, 20);
    console.log(`# provider added on node A served through node B after ${took} ms`);
    assert.ok(Date.now() - t0 < 1000, `took ${Date.now() - t0} ms`);
    assert.match(last.text, /from the fake upstream/);
    assert.equal(upstream.auth.at(-1), `Bearer ${SECRET_1}`);
    // Every worker of node A has it too (two workers: several requests land on both).
    for (let i = 0; i < 6; i++) assert.equal((await chat(a, 'fake/gpt-x')).status, 200);

    const list = await api(b, 'GET', '/api/providers');
    assert.equal(list.status, 200);
    const names = (list.body.data as Array<{ name: string }>).map((p) => p.name);
    assert.deepEqual(names, ['fake', 'mock']);
    const fake = (list.body.data as Array<Record<string, unknown>>).find((p) => p.name === 'fake')!;
    assert.deepEqual({ type: fake.type, base_url: fake.base_url, api_key: fake.api_key, keys: fake.keys, models: fake.models, timeout_ms: fake.timeout_ms, source: fake.source },
      { type: 'openai', base_url: upstream.url, api_key: `sk-...${SECRET_1.slice(-4)}`, keys: [{ name: 'key0', key: `sk-...${SECRET_1.slice(-4)}`, weight: 1 }], models: ['gpt-x'], timeout_ms: 5000, source: 'api' });
    assert.ok(!list.text.includes(SECRET_1));
  });

  test('replace: the new key is used on both nodes; stats of the deployment survive the reload', async () => {
    const before = (await api(a, 'GET', '/api/routing')).body.deployments.find((d: { id: string }) => d.id === 'fake/gpt-x');
    assert.ok(before, 'deployment known before the reload');
    const put = await api(b, 'PUT', '/api/providers/fake', { type: 'openai', base_url: upstream.url, keys: [{ key: SECRET_2, name: 'second' }], models: ['gpt-x'] });
    assert.equal(put.status, 200, put.text);
    await waitFor('node A uses the new key', async () => {
      const r = await chat(a, 'fake/gpt-x');
      return r.status === 200 && upstream.auth.at(-1) === `Bearer ${SECRET_2}`;
    }, 2_000, 20);
    const afterReload = (await api(a, 'GET', '/api/routing')).body.deployments.find((d: { id: string }) => d.id === 'fake/gpt-x');
    assert.ok(afterReload.window.requests >= before.window.requests, JSON.stringify({ before: before.window, after: afterReload.window }));
  });

  test('validation with the config schema; RBAC; the config file\'s providers cannot be deleted', async () => {
    const bad = [
      [{ type: 'no-such-kind' }, /type/],
      [{ type: 'openai', base_url: 'not a url', api_key: 'sk-x' }, /base_url/],
      [{ type: 'openai', base_url: upstream.url, api_key: 'sk-x', colour: 'red' }, /unknown field\(s\) colour/],
      [{ type: 'openai', base_url: upstream.url }, /api_key/],
    ] as const;
    for (const [body, re] of bad) {
      const r = await api(a, 'PUT', '/api/providers/broken', body);
      assert.equal(r.status, 400, r.text);
      assert.match(r.body.error.message, re);
    }
    assert.equal((await api(a, 'PUT', '/api/providers/Bad%20Name', { type: 'mock' })).status, 400);
    const viewer = await api(a, 'POST', '/api/users', { name: 'v', role: 'viewer' });
    await waitFor('viewer token on node A', async () => (await api(a, 'GET', '/api/providers', undefined, viewer.body.token)).status === 200, 2_000, 50);
    assert.equal((await api(a, 'PUT', '/api/providers/x', { type: 'mock' }, viewer.body.token)).status, 403);
    assert.equal((await api(a, 'GET', '/api/providers', undefined, '')).status, 401);
    const del = await api(a, 'DELETE', '/api/providers/mock');
    assert.equal(del.status, 409, del.text);
    assert.equal(del.body.error.code, 'provider_from_config');
    assert.equal((await api(a, 'DELETE', '/api/providers/never-added')).status, 404);
  });

  test('DELETE removes it everywhere; audit, logs and metrics never show a provider key', async () => {
    const del = await api(a, 'DELETE', '/api/providers/fake');
    assert.equal(del.status, 200, del.text);
    await waitFor('fake gone on node B', async () => (await chat(b, 'fake/gpt-x')).status === 404, 2_000, 20);
    const audit = await api(b, 'GET', '/api/audit?limit=50');
    const actions = (audit.body.entries as Array<{ action: string }>).map((e) => e.action);
    for (const act of ['providers.create', 'providers.update', 'providers.delete']) assert.ok(actions.includes(act), `${act} in ${actions.join()}`);
    // The audit chain redacts key fields entirely (even the masked form).
    const created = (audit.body.entries as Array<{ action: string; after: Record<string, unknown> }>).find((e) => e.action === 'providers.create')!;
    assert.deepEqual({ api_key: created.after.api_key, keys: created.after.keys }, { api_key: '***', keys: [{ key: '***', name: 'key0', weight: 1 }] });
    const metrics = await Promise.all([a, b].map(async (n) => (await fetch(`${n.url}/metrics`)).text()));
    for (const text of [audit.text, ...metrics, a.output(), b.output()]) {
      assert.ok(!text.includes(SECRET_1) && !text.includes(SECRET_2), 'a provider key leaked');
    }
    assert.match(a.output(), /providers reloaded/);
  });
});
