/**
 * Governance on a real node: virtual keys in every SDK header, enforce_auth, expiry and revocation,
 * model allow lists, budgets up the key -> team -> customer chain (402 naming the level), rate limits and
 * concurrency (429 with headers), usage queries, the audit chain, RBAC on /api, and no secret anywhere.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { adminHeaders, ADMIN_TOKEN, startNode, type NodeHandle } from '../helpers/node-process.js';

let node: NodeHandle;
const UPSTREAM_SECRET = 'sk-provider-secret-should-never-leak-77';

before(async () => {
  node = await startNode({
    workers: 1,
    config: {
      providers: { mock: { type: 'mock', api_key: UPSTREAM_SECRET }, slow: { type: 'mock', latency_ms: 400 } },
      // $0.10 per input token: "hello there" (2 words) costs $0.20 + output $0.
      pricing: { 'mock/echo': { input: 100_000, output: 0 }, 'slow/echo': { input: 0, output: 0 } },
    },
  });
});
after(async () => { await node.stop(); });

async function api(method: string, path: string, body?: unknown, token = ADMIN_TOKEN) {
  const res = await fetch(`${node.url}${path}`, { method, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, text };
}

async function chat(headers: Record<string, string>, model = 'mock/echo', content = 'hello there') {
  const res = await fetch(`${node.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ model, messages: [{ role: 'user', content }] }) });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined, headers: res.headers };
}

async function createKey(input: Record<string, unknown>): Promise<{ key: string; id: string }> {
  const r = await api('POST', '/api/keys', input);
  assert.equal(r.status, 201, r.text);
  return { key: r.body.key, id: r.body.id };
}

const waitSnapshot = () => new Promise((r) => setTimeout(r, 250));

describe('virtual keys', () => {
  test('created once, listed without the key or its hash, accepted in every SDK header', async () => {
    const k = await createKey({ name: 'everywhere' });
    assert.match(k.key, /^sk-sy-[0-9A-Za-z]{43}$/);
    const list = await api('GET', '/api/keys');
    const listed = list.body.data.find((x: { id: string }) => x.id === k.id);
    assert.equal(listed.name, 'everywhere');
    assert.equal(listed.hash, undefined);
    assert.ok(!list.text.includes(k.key));
    await waitSnapshot();
    const variants: Array<Record<string, string>> = [{ authorization: `Bearer ${k.key}` }, { 'x-api-key': k.key }, { 'x-goog-api-key': k.key }, { 'api-key': k.key }];
    for (const h of variants) {
      const r = await chat(h);
      assert.equal(r.status, 200, JSON.stringify(r.json));
    }
    const sdk = new OpenAI({ baseURL: `${node.url}/v1`, apiKey: k.key, maxRetries: 0 });
    assert.match((await sdk.chat.completions.create({ model: 'mock/echo', messages: [{ role: 'user', content: 'sdk' }] })).choices[0].message.content!, /sdk/);
  });

  test('unknown, revoked and expired keys get 401; anonymous calls pass until enforce_auth is on', async () => {
    assert.equal((await chat({ authorization: 'Bearer sk-sy-doesnotexist000000000000000000000000000000000' })).status, 401);
    const k = await createKey({ name: 'to-revoke' });
    const old = await createKey({ name: 'expired', expiresAt: Date.now() - 1000 });
    await waitSnapshot();
    assert.equal((await chat({ authorization: `Bearer ${k.key}` })).status, 200);
    assert.equal((await api('POST', `/api/keys/${k.id}/revoke`)).status, 200);
    await waitSnapshot();
    const revoked = await chat({ authorization: `Bearer ${k.key}` });
    assert.equal(revoked.status, 401);
    assert.equal(revoked.json.error.code, 'key_revoked');
    assert.equal((await chat({ authorization: `Bearer ${old.key}` })).json.error.code, 'key_expired');
    // Without enforce_auth: no key, or a non-Switchyard key, is anonymous.
    assert.equal((await chat({})).status, 200);
    assert.equal((await chat({ authorization: 'Bearer sk-some-openai-key' })).status, 200);
    assert.equal((await api('PUT', '/api/settings', { enforce_auth: true })).status, 200);
    await waitSnapshot();
    const anon = await chat({});
    assert.equal(anon.status, 401);
    assert.equal(anon.json.error.code, 'missing_api_key');
    assert.equal((await api('PUT', '/api/settings', { enforce_auth: false })).status, 200);
    await waitSnapshot();
  });

  test('model allow list with patterns: 403 before anything is sent', async () => {
    const k = await createKey({ name: 'echo-only', allowedModels: ['mock/echo*'] });
    await waitSnapshot();
    assert.equal((await chat({ authorization: `Bearer ${k.key}` }, 'mock/echo-large')).status, 200);
    const denied = await chat({ authorization: `Bearer ${k.key}` }, 'slow/echo');
    assert.equal(denied.status, 403);
    assert.equal(denied.json.error.code, 'model_not_allowed');
  });
});

describe('budgets up the hierarchy', () => {
  test('key budget: 402 budget_exceeded naming the key level', async () => {
    const k = await createKey({ name: 'small-budget', budgets: [{ amountUsd: 0.5, period: '1d' }] });
    await waitSnapshot();
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await chat({ authorization: `Bearer ${k.key}` })).status);
    // $0.20 each: two fit ($0.40); the third would reach $0.60 > $0.50 with its estimate.
    assert.deepEqual(statuses, [200, 200, 402, 402]);
    const r = await chat({ authorization: `Bearer ${k.key}` });
    assert.equal(r.json.error.type, 'budget_exceeded');
    assert.equal(r.json.error.param, 'key');
    assert.ok(Number(r.headers.get('retry-after')) > 0);
  });

  test('team and customer budgets apply to every key below them, and spend is charged at every level', async () => {
    const cust = await api('POST', '/api/customers', { name: 'acme', budgets: [{ amountUsd: 0.9, period: '1M', calendarAligned: true }] });
    assert.equal(cust.status, 201, cust.text);
    const team = await api('POST', '/api/teams', { name: 'eng', customerId: cust.body.id, budgets: [{ amountUsd: 0.5, period: '1h' }] });
    assert.equal(team.status, 201, team.text);
    const a = await createKey({ name: 'eng-a', teamId: team.body.id });
    const b = await createKey({ name: 'eng-b', teamId: team.body.id });
    const c = await createKey({ name: 'acme-direct', customerId: cust.body.id });
    await waitSnapshot();
    const ra = await chat({ authorization: `Bearer ${a.key}` });
    assert.equal(ra.status, 200, JSON.stringify(ra.json));
    await waitSnapshot();
    const rb = await chat({ authorization: `Bearer ${b.key}` });
    assert.equal(rb.status, 200, JSON.stringify(rb.json));
    await waitSnapshot();
    const teamOut = await chat({ authorization: `Bearer ${a.key}` });
    assert.equal(teamOut.status, 402);
    assert.equal(teamOut.json.error.param, 'team');
    // The customer has $0.90: $0.40 spent through the team; its direct key can spend $0.40 more.
    for (let i = 0; i < 2; i++) {
      const rc = await chat({ authorization: `Bearer ${c.key}` });
      assert.equal(rc.status, 200, `${i}: ${JSON.stringify(rc.json)}`);
      await waitSnapshot();
    }
    await waitSnapshot();
    const custOut = await chat({ authorization: `Bearer ${c.key}` });
    assert.equal(custOut.status, 402);
    assert.equal(custOut.json.error.param, 'customer');
    const usage = await api('GET', '/api/usage?group_by=team&granularity=hour');
    const row = usage.body.data.find((x: Record<string, unknown>) => x.team === team.body.id);
    assert.ok(Math.abs(row.spend_usd - 0.4) < 1e-9, JSON.stringify(row));
    assert.equal(row.requests, 2);
    const byCustomer = await api('GET', '/api/usage?group_by=customer&granularity=day');
    const crow = byCustomer.body.data.find((x: Record<string, unknown>) => x.customer === cust.body.id);
    assert.ok(Math.abs(crow.spend_usd - 0.8) < 1e-9, JSON.stringify(crow));
  });

  test('race: many concurrent requests against a nearly spent budget never overspend (one worker)', async () => {
    const k = await createKey({ name: 'race', budgets: [{ amountUsd: 1.05, period: '1d' }] });
    await waitSnapshot();
    const results = await Promise.all(Array.from({ length: 60 }, () => chat({ authorization: `Bearer ${k.key}` })));
    const ok = results.filter((r) => r.status === 200).length;
    assert.ok(results.every((r) => r.status === 200 || r.status === 402));
    await waitSnapshot();
    const usage = await api('GET', '/api/usage?group_by=key&granularity=day');
    const spent = usage.body.data.find((x: Record<string, unknown>) => x.key === k.id).spend_usd as number;
    console.log(`# race: 60 concurrent requests, ${ok} accepted, spent $${spent.toFixed(2)} of $1.05 (overshoot $${Math.max(0, spent - 1.05).toFixed(2)})`);
    assert.ok(spent <= 1.05 + 1e-9, `spent ${spent}`);
    // Admission reserves an estimate (prompt chars / 4 at the input price), so it stops a little early.
    assert.ok(ok >= 4 && ok <= 5, `${ok} accepted`);
  });
});

describe('rate limits', () => {
  test('requests per minute: 429 with Retry-After and x-ratelimit headers', async () => {
    const k = await createKey({ name: 'rpm', limits: { rpm: 3 } });
    await waitSnapshot();
    const rs = [];
    for (let i = 0; i < 4; i++) rs.push(await chat({ authorization: `Bearer ${k.key}` }));
    assert.deepEqual(rs.map((r) => r.status), [200, 200, 200, 429]);
    assert.equal(rs[0].headers.get('x-ratelimit-limit-requests'), '3');
    assert.equal(rs[0].headers.get('x-ratelimit-remaining-requests'), '2');
    assert.ok(Number(rs[3].headers.get('retry-after')) >= 1);
    assert.equal(rs[3].json.error.code, 'rate_limit_exceeded');
  });

  test('maximum concurrent requests per key hold across worker threads (one node, shared counters)', async () => {
    const node2 = await startNode({ workers: 2, config: { providers: { slow: { type: 'mock', latency_ms: 500 } } } });
    try {
      const created = await fetch(`${node2.url}/api/keys`, { method: 'POST', headers: { 'content-type': 'application/json', ...adminHeaders }, body: JSON.stringify({ name: 'conc2', limits: { maxConcurrent: 2 } }) });
      const key = ((await created.json()) as { key: string }).key;
      await waitSnapshot();
      // Fresh connections spread over both workers; only 2 of 6 may be in flight node-wide.
      const { freshRequest } = await import('../helpers/fresh-http.js');
      const results = await Promise.all(Array.from({ length: 6 }, () => freshRequest(`${node2.url}/v1/chat/completions`, {
        method: 'POST', headers: { authorization: `Bearer ${key}` },
        body: JSON.stringify({ model: 'slow/echo', messages: [{ role: 'user', content: 'x' }] }),
      })));
      const ok = results.filter((r) => r.status === 200).length;
      assert.ok(ok >= 1 && ok <= 2, `${ok} admitted of 6 with maxConcurrent 2`);
      assert.equal(results.filter((r) => r.status === 429).length, 6 - ok);
    } finally {
      await node2.stop();
    }
  });

  test('maximum concurrent requests per key', async () => {
    const k = await createKey({ name: 'conc', limits: { maxConcurrent: 1 } });
    await waitSnapshot();
    const [a, b] = await Promise.all([chat({ authorization: `Bearer ${k.key}` }, 'slow/echo'), new Promise((r) => setTimeout(r, 100)).then(() => chat({ authorization: `Bearer ${k.key}` }, 'slow/echo'))]);
    assert.deepEqual([a.status, b.status], [200, 429]);
    assert.equal(b.json.error.code, 'concurrency_limit_exceeded');
  });
});

describe('admin API: RBAC and audit', () => {
  test('the RBAC matrix: no token, bad token, a virtual key, viewer, editor, admin', async () => {
    assert.equal((await api('GET', '/api/keys', undefined, '')).status, 401);
    assert.equal((await api('GET', '/api/keys', undefined, 'sy-admin-wrong')).status, 401);
    const vk = await createKey({ name: 'not-admin' });
    await waitSnapshot();
    assert.equal((await api('GET', '/api/keys', undefined, vk.key)).status, 403);
    const viewer = await api('POST', '/api/users', { name: 'val', role: 'viewer' });
    const editor = await api('POST', '/api/users', { name: 'ed', role: 'editor' });
    assert.equal(viewer.status, 201, viewer.text);
    assert.equal(typeof viewer.body.token, 'string', viewer.text);
    await waitSnapshot();
    assert.equal((await api('GET', '/api/keys', undefined, viewer.body.token)).status, 200);
    assert.equal((await api('GET', '/api/routing', undefined, viewer.body.token)).status, 200);
    assert.equal((await api('POST', '/api/keys', { name: 'x' }, viewer.body.token)).status, 403);
    assert.equal((await api('POST', '/api/keys', { name: 'by-editor' }, editor.body.token)).status, 201);
    assert.equal((await api('PUT', '/api/settings', { enforce_auth: false }, editor.body.token)).status, 403);
    assert.equal((await api('POST', '/api/users', { name: 'x', role: 'admin' }, editor.body.token)).status, 403);
    assert.equal((await api('GET', '/api/users')).status, 200);
  });

  test('invalid admin input is a 400 naming the field', async () => {
    const r = await api('POST', '/api/keys', { name: 'bad', budgets: [{ amountUsd: -1, period: '1d' }] });
    assert.equal(r.status, 400);
    assert.match(r.body.error.param, /budgets\[0\]\.amountUsd/);
    assert.equal((await api('POST', '/api/keys', { name: 'x', teamId: 'nope' })).status, 400);
  });

  test('every change is in the audit chain, verified, secrets masked', async () => {
    const a = await api('GET', '/api/audit?limit=500');
    assert.equal(a.status, 200);
    const actions = a.body.entries.map((e: { action: string }) => e.action);
    for (const x of ['keys.create', 'keys.revoke', 'teams.create', 'customers.create', 'settings.update', 'users.create']) assert.ok(actions.includes(x), x);
    for (const v of Object.values(a.body.verified)) assert.equal(v, null);
    assert.ok(!/[0-9a-f]{64}"/.test(JSON.stringify(a.body.entries.map((e: { after: unknown }) => e.after))), 'hashes must be masked');
  });
});

test('the request log names the key and team and carries the cost', async () => {
  const team = await api('POST', '/api/teams', { name: 'log-team' });
  const k = await createKey({ name: 'logged', teamId: team.body.id });
  await waitSnapshot();
  assert.equal((await chat({ authorization: `Bearer ${k.key}` })).status, 200);
  await new Promise((r) => setTimeout(r, 400));
  const logs = await api('GET', `/api/logs?key=${k.id}`);
  assert.equal(logs.status, 200, logs.text);
  assert.equal(logs.body.data.length, 1);
  const e = logs.body.data[0];
  assert.equal(e.key_id, k.id);
  assert.equal(e.team_id, team.body.id);
  assert.ok(Math.abs(e.cost - 0.2) < 1e-9, String(e.cost));
});

test('secrets never appear in logs, metrics or API responses', async () => {
  const k = await createKey({ name: 'leak-check' });
  await waitSnapshot();
  await chat({ authorization: `Bearer ${k.key}` });
  const metrics = await (await fetch(`${node.url}/metrics`)).text();
  const responses = [await api('GET', '/api/keys'), await api('GET', '/api/audit'), await api('GET', '/api/routing'), await api('GET', '/api/logs')].map((r) => r.text).join('\n');
  for (const secret of [k.key, UPSTREAM_SECRET, ADMIN_TOKEN]) {
    assert.ok(!node.output().includes(secret), 'in logs');
    assert.ok(!metrics.includes(secret), 'in metrics');
    assert.ok(!responses.includes(secret), 'in API responses');
  }
  void adminHeaders;
});
