/**
 * The governance CLI against a real node: `switchyard keys|teams|customers|usage` run as their own
 * processes, the admin token from the environment (never argv), and the key they create works on the data
 * plane, is printed once, and stops working once revoked.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { ADMIN_TOKEN, CLI, startNode, type NodeHandle } from '../helpers/node-process.js';

let node: NodeHandle;

before(async () => {
  node = await startNode({
    workers: 1,
    // $1 per 1M input tokens x 1M = easy numbers: "hello there" is 2 input tokens on the mock -> $0.20 at 100k/M.
    config: { providers: { mock: { type: 'mock' } }, pricing: { 'mock/echo': { input: 100_000, output: 0 } } },
  });
});
after(async () => { await node.stop(); });

/** Runs `switchyard <args>` against the node; stdout and stderr apart (a created key goes to stdout alone). */
function cli(args: string[], env: Record<string, string> = { SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN, SWITCHYARD_URL: node.url }): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const base: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('SWITCHYARD_')) base[k] = v;
    const proc = spawn(process.execPath, [CLI, ...args], { env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout!.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    proc.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    const t = setTimeout(() => proc.kill('SIGKILL'), 15_000);
    proc.on('exit', (code) => { clearTimeout(t); resolve({ code, stdout, stderr }); });
  });
}

async function chat(key: string, model = 'mock/echo') {
  const res = await fetch(`${node.url}/v1/chat/completions`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hello there' }] }),
  });
  return { status: res.status, body: await res.text() };
}

const settle = () => new Promise((r) => setTimeout(r, 300));

describe('switchyard keys / teams / customers / usage', { timeout: 60_000 }, () => {
  let customerId = '';
  let teamId = '';

  test('customers create + list', async () => {
    const c = await cli(['customers', 'create', '--name', 'acme', '--id', 'cust-acme', '--budget', '50/1M']);
    assert.equal(c.code, 0, c.stderr);
    assert.equal(c.stdout.trim(), 'cust-acme');
    customerId = 'cust-acme';
    const l = await cli(['customers', 'list', '--json']);
    assert.equal(l.code, 0, l.stderr);
    const list = JSON.parse(l.stdout) as Array<{ id: string; name: string; budgets: unknown[] }>;
    assert.deepEqual(list.find((x) => x.id === customerId)?.budgets, [{ amountUsd: 50, period: '1M' }]);
    const table = await cli(['customers', 'list']);
    assert.match(table.stdout, /^ID\s+NAME\s+BUDGETS$/m);
    assert.match(table.stdout, /^cust-acme\s+acme\s+\$50\/1M$/m);
  });

  test('teams create + list (with --url and --admin-token flags instead of the environment)', async () => {
    const c = await cli(['teams', 'create', '--name', 'eng', '--customer', customerId, '--rpm', '100', '--url', node.url, '--admin-token', ADMIN_TOKEN], {});
    assert.equal(c.code, 0, c.stderr);
    teamId = c.stdout.trim();
    assert.match(teamId, /^team_[0-9a-f]{16}$/);
    const l = await cli(['teams', 'list', '--json']);
    const team = (JSON.parse(l.stdout) as Array<Record<string, unknown>>).find((x) => x.id === teamId);
    assert.deepEqual({ name: team?.name, customerId: team?.customerId, limits: team?.limits }, { name: 'eng', customerId, limits: { rpm: 100 } });
  });

  test('keys create prints the key once; list never shows it; the key works; revoke stops it', async () => {
    const expires = new Date(Date.now() + 3600_000).toISOString();
    const c = await cli(['keys', 'create', '--name', 'ci', '--team', teamId, '--budget', '10/1d', '--rpm', '30', '--tpm', '5000', '--max-concurrent', '4', '--models', 'mock/*, other/x', '--expires', expires]);
    assert.equal(c.code, 0, c.stderr);
    const key = c.stdout.trim();
    assert.match(key, /^sk-sy-[0-9A-Za-z]{43}$/);
    assert.match(c.stderr, /only time the key is shown/);
    const l = await cli(['keys', 'list', '--json']);
    assert.equal(l.code, 0, l.stderr);
    assert.ok(!l.stdout.includes(key), 'the key is listed');
    const rec = (JSON.parse(l.stdout) as Array<Record<string, unknown>>).find((x) => x.name === 'ci')!;
    assert.deepEqual(
      { teamId: rec.teamId, budgets: rec.budgets, limits: rec.limits, allowedModels: rec.allowedModels, expiresAt: rec.expiresAt, active: rec.active, hash: rec.hash },
      { teamId, budgets: [{ amountUsd: 10, period: '1d' }], limits: { rpm: 30, tpm: 5000, maxConcurrent: 4 }, allowedModels: ['mock/*', 'other/x'], expiresAt: Date.parse(expires), active: true, hash: undefined },
    );
    assert.equal(key.startsWith(String(rec.prefix)), true);
    const table = await cli(['keys', 'list']);
    assert.match(table.stdout, new RegExp(`^${rec.id}\\s+ci\\s+\\S+\\s+active\\s+${teamId}\\s+-\\s+\\$10/1d\\s+rpm=30,tpm=5000,conc=4\\s+mock/\\*,other/x\\s+${expires.replace(/[.]/g, '\\.')}$`, 'm'));
    await settle();
    assert.equal((await chat(key)).status, 200);
    assert.equal((await chat(key)).status, 200);
    const denied = await chat(key, 'nope/echo');
    assert.equal(denied.status, 404, denied.body);

    const r = await cli(['keys', 'revoke', String(rec.id)]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), `revoked ${rec.id}`);
    await settle();
    const after = await chat(key);
    assert.equal(after.status, 401);
    assert.match(after.body, /key_revoked/);
    const again = await cli(['keys', 'list']);
    assert.match(again.stdout, new RegExp(`^${rec.id}\\s+ci\\s+\\S+\\s+revoked`, 'm'));
  });

  test('usage grouped by team, customer and model; --json and the table agree', async () => {
    await settle();
    const byTeam = await cli(['usage', '--group-by', 'team', '--granularity', 'hour', '--json']);
    assert.equal(byTeam.code, 0, byTeam.stderr);
    const row = (JSON.parse(byTeam.stdout) as Array<Record<string, number | string>>).find((x) => x.team === teamId)!;
    // Two requests of 2 input tokens at $100,000 per 1M = $0.20 each.
    assert.equal(row.requests, 2);
    assert.ok(Math.abs((row.spend_usd as number) - 0.4) < 1e-9, JSON.stringify(row));
    const byCustomer = JSON.parse((await cli(['usage', '--group-by', 'customer', '--json'])).stdout) as Array<Record<string, number | string>>;
    assert.equal(byCustomer.find((x) => x.customer === customerId)?.requests, 2);
    const table = await cli(['usage', '--group-by', 'model', '--from', new Date(Date.now() - 3600_000).toISOString()]);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^PERIOD\s+MODEL\s+REQUESTS\s+INPUT TOKENS\s+OUTPUT TOKENS\s+SPEND USD$/m);
    assert.match(table.stdout, /mock\/echo\s+2\s+4\s+\d+\s+0\.400000$/m);
    const future = await cli(['usage', '--from', new Date(Date.now() + 48 * 3600_000).toISOString(), '--json']);
    assert.deepEqual(JSON.parse(future.stdout), []);
  });

  test('errors: bad flags, no token, wrong token, unknown id — non-zero exit with a message, never a stack', async () => {
    const bad = await cli(['keys', 'create', '--budget', 'ten/1d']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /invalid budget "ten\/1d"/);
    const rpm = await cli(['keys', 'create', '--rpm', '0']);
    assert.notEqual(rpm.code, 0);
    assert.match(rpm.stderr, /--rpm must be a positive integer/);
    const group = await cli(['usage', '--group-by', 'planet']);
    assert.notEqual(group.code, 0);
    assert.match(group.stderr, /Allowed choices are key, team, customer, model, provider/);
    const none = await cli(['keys', 'list'], { SWITCHYARD_URL: node.url });
    assert.equal(none.code, 1);
    assert.match(none.stderr, /answered 401/);
    const wrong = await cli(['keys', 'list', '--admin-token', 'sy-admin-wrong'], { SWITCHYARD_URL: node.url });
    assert.match(wrong.stderr, /answered 401: Invalid admin token/);
    const missing = await cli(['keys', 'revoke', 'vk_nope']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /answered 404: No virtual_key with id "vk_nope"/);
    const down = await cli(['teams', 'list', '--url', 'http://127.0.0.1:1']);
    assert.equal(down.code, 1);
    assert.match(down.stderr, /cannot reach http:\/\/127\.0\.0\.1:1/);
    for (const r of [bad, rpm, group, none, wrong, missing, down]) assert.doesNotMatch(r.stderr, /\n\s+at /);
  });
});
