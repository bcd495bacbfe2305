/**
 * Process model: worker supervision, crash isolation, graceful shutdown, start-up checks, config errors,
 * SWITCHYARD_* environment variables.
 */
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { freePort } from '../helpers/ports.js';
import { freshRequest } from '../helpers/fresh-http.js';
import { spawn } from 'node:child_process';
import { sample, scrape } from '../helpers/metrics.js';
import { adminHeaders, ADMIN_TOKEN, cleanEnv, CLI, runCli, startNode } from '../helpers/node-process.js';
import { spawnOpenAIMock } from '../mocks/spawn.js';

const chatBody = (text: string, model = 'mock/echo') => JSON.stringify({ model, messages: [{ role: 'user', content: text }] });
const post = (url: string, body: string) => fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

/** NaN when the node does not report the metric at all. */
async function metricValue(url: string, name: string): Promise<number> {
  const text = await scrape(url);
  return text.includes(`\n${name} `) ? sample(text, name) : NaN;
}

test('a worker thread that dies is restarted and the node keeps serving', async () => {
  const node = await startNode({ workers: 2 });
  try {
    const crash = await fetch(`${node.url}/__test/crash-worker`, { method: 'POST' });
    assert.equal(crash.status, 202);
    // Keep sending on fresh connections while the worker dies and comes back. Only a connection the
    // kernel handed to the dying thread in its last moment may fail (a load balancer retries those);
    // everything sent after that moment must be answered.
    const crashedAt = Date.now();
    let ok = 0;
    let failedEarly = 0;
    while (Date.now() < crashedAt + 1500) {
      const sentAt = Date.now();
      try {
        const r = await freshRequest(`${node.url}/v1/chat/completions`, { method: 'POST', body: chatBody('during crash') });
        assert.equal(r.status, 200);
        ok++;
      } catch (err) {
        assert.ok(sentAt - crashedAt < 250, `request sent ${sentAt - crashedAt} ms after the crash failed: ${(err as Error).message}`);
        failedEarly++;
      }
    }
    assert.ok(ok > 20, `only ${ok} requests`);
    if (failedEarly) console.log(`# ${failedEarly} connection(s) failed in the first 250 ms after the crash`);
    // The supervisor restarted it: both workers are back and the restart is counted.
    let workers = 0;
    for (let i = 0; i < 40 && workers !== 2; i++) {
      workers = await metricValue(node.url, 'switchyard_workers');
      if (workers !== 2) await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(workers, 2);
    assert.equal(await metricValue(node.url, 'switchyard_worker_restarts_total'), 1);
    assert.match(node.output(), /worker thread exited; restarting/);
  } finally {
    await node.stop();
  }
});

test('an exception inside one request is a 500 for that request only', async () => {
  const node = await startNode({ workers: 1 });
  try {
    for (let i = 0; i < 3; i++) {
      const r = await fetch(`${node.url}/__test/throw`, { method: 'POST' });
      assert.equal(r.status, 500);
      const body = (await r.json()) as { error: { type: string; message: string } };
      assert.equal(body.error.type, 'api_error');
      assert.ok(!body.error.message.includes('test hook'), 'internal details must not leak');
    }
    assert.equal((await post(node.url, chatBody('fine'))).status, 200);
    assert.equal(await metricValue(node.url, 'switchyard_worker_restarts_total'), 0);
  } finally {
    await node.stop();
  }
});

test('SIGTERM drains: in-flight requests finish, new connections are refused, exit code 0', async () => {
  const node = await startNode({ workers: 2, config: { providers: { slow: { type: 'mock', latency_ms: 1200 } } } });
  // Each on its own connection, as a load balancer's would be.
  const inflight = Promise.all([0, 1, 2].map(() => freshRequest(`${node.url}/v1/chat/completions`, { method: 'POST', body: chatBody('slow one', 'slow/echo') })
    .catch((e: Error) => ({ status: 0, body: e.message }))));
  // SIGTERM only once the node holds all three (on a busy machine the requests may take a while to arrive).
  for (let i = 0; i < 100 && (await metricValue(node.url, 'switchyard_in_flight_requests')) < 4; i++) await new Promise((r) => setTimeout(r, 20));
  node.proc.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 200));
  await assert.rejects(freshRequest(`${node.url}/health/live`), /ECONNREFUSED/);
  const results = await inflight;
  for (const r of results) {
    assert.equal(r.status, 200, r.body);
    assert.match(r.body, /Switchyard mock reply to: slow one/);
  }
  assert.equal(await node.exited, 0);
  assert.match(node.output(), /shutting down: draining in-flight requests/);
});

test('SIGTERM with requests that outlive the shutdown timeout: they are cut off, the node still exits 0 and stops cleanly', async () => {
  // A real upstream over sockets that answers after 60 s: the requests are still waiting on it at the deadline.
  const mock = await spawnOpenAIMock({ latencyMs: 60_000 });
  const node = await startNode({
    workers: 2,
    config: {
      providers: { up: { type: 'custom', base_url: mock.url, api_key: 'k' } },
      server: { shutdown_timeout_ms: 500 },
    },
  });
  try {
    const count = 40;
    const inflight = Promise.all(Array.from({ length: count }, () => freshRequest(`${node.url}/v1/chat/completions`, { method: 'POST', body: chatBody('never answered', 'up/gpt-4o-mini') })
      .then((r) => r.status, (e: Error) => e.message)));
    for (let i = 0; i < 200 && (await metricValue(node.url, 'switchyard_in_flight_requests')) < count + 1; i++) await new Promise((r) => setTimeout(r, 20));
    const t0 = Date.now();
    node.proc.kill('SIGTERM');
    // Before the fix, a worker still waited on its upstream connections when the supervisor gave up on it, and
    // a thread that ends with open uWS sockets aborts the whole process (SIGABRT, exit code null).
    const code = await node.exited;
    assert.equal(code, 0, node.output().slice(-3000));
    assert.ok(Date.now() - t0 < 2_500, `stopped in ${Date.now() - t0} ms with a 500 ms shutdown timeout`);
    assert.match(node.output(), /shutdown timeout reached with requests still in flight/);
    assert.match(node.output(), /"msg":"stopped"/);
    // Every client learns its request is over (the connection closes); none waits out the upstream's minute.
    const results = await inflight;
    assert.equal(results.length, count);
    for (const r of results) assert.notEqual(r, 200);
  } finally {
    await node.stop('SIGKILL');
    await mock.close();
  }
});

test('refuses to start on the JavaScript fallback of uWS unless allowed', async () => {
  const port = await freePort();
  const r = await runCli(['start', '--port', String(port), '--data-dir', mkdtempSync(join(tmpdir(), 'sy-'))], { UWS_USE_FALLBACK: '1' });
  assert.equal(r.code, 1);
  assert.match(r.out, /native binary did not load/);
  assert.match(r.out, /--allow-js-fallback/);
});

test('an invalid config file stops the node with every problem named by path', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-'));
  const file = join(dir, 'bad.yaml');
  writeFileSync(file, [
    'server:', '  port: "eighty"', 'providers:', '  openai:', '    api_key: env.SWITCHYARD_TEST_UNSET_KEY',
    '  weird:', '    type: nosuchprovider', '    colour: blue', 'models:', '  fast: not-a-target',
  ].join('\n'));
  const r = await runCli(['start', '--config', file]);
  assert.equal(r.code, 2);
  assert.match(r.out, /server\.port: Expected number/);
  assert.match(r.out, /providers\.weird\.type/);
  assert.match(r.out, /providers\.weird: unknown field\(s\) colour/);
  assert.match(r.out, /models\.fast: expected "provider\/model"/);
  // Secret references are checked once the schema passes.
  writeFileSync(file, 'providers:\n  openai:\n    api_key: env.SWITCHYARD_TEST_UNSET_KEY\n');
  const r2 = await runCli(['start', '--config', file]);
  assert.equal(r2.code, 2);
  assert.match(r2.out, /providers\.openai\.api_key: environment variable SWITCHYARD_TEST_UNSET_KEY is not set/);
  writeFileSync(file, '{ not: yaml: at all');
  assert.equal((await runCli(['start', '--config', file])).code, 2);
});

test('every start flag can be given as a SWITCHYARD_* environment variable; provider keys auto-configure', async () => {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'sy-'));
  const cfg = join(dir, 'c.json');
  writeFileSync(cfg, JSON.stringify({ models: { quick: 'mock/echo' } }));
  const { spawn } = await import('node:child_process');
  const { CLI } = await import('../helpers/node-process.js');
  const proc = spawn(process.execPath, [CLI, 'start'], {
    env: {
      PATH: process.env.PATH ?? '', SWITCHYARD_PORT: String(port), SWITCHYARD_HOST: '127.0.0.1', SWITCHYARD_WORKERS: '1',
      SWITCHYARD_DATA_DIR: join(dir, 'data'), SWITCHYARD_LOG_LEVEL: 'debug', SWITCHYARD_CONFIG: cfg, GROQ_API_KEY: 'gsk-test-not-real',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout.on('data', (d) => { out += d; });
  try {
    let up = false;
    for (let i = 0; i < 100 && !up; i++) {
      up = await fetch(`http://127.0.0.1:${port}/health/ready`).then((r) => r.ok, () => false);
      if (!up) await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(up, out);
    const r = await post(`http://127.0.0.1:${port}`, chatBody('env', 'quick'));
    assert.equal(r.status, 200);
    assert.match(out, /"workers":1/);
    assert.match(out, /"providers":\["mock","groq"\]|"providers":\["groq","mock"\]/);
    assert.ok(!out.includes('gsk-test-not-real'), 'provider key must not be logged');
  } finally {
    proc.kill('SIGTERM');
    await new Promise((r) => proc.once('exit', r));
  }
});

test('a restarted node answers its very first request with the stored keys: workers listen only after they have the snapshots', async () => {
  const config = { auth: { enforce_auth: true } };
  const first = await startNode({ workers: 2, config });
  let key: string;
  try {
    const r = await fetch(`${first.url}/api/keys`, { method: 'POST', headers: { ...adminHeaders, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'early' }) });
    assert.equal(r.status, 201);
    key = ((await r.json()) as { key: string }).key;
  } finally {
    assert.equal(await first.stop(), 0);
  }
  // Same data dir and config, started by hand: requests go out as soon as the port accepts connections,
  // without waiting for /health/ready.
  const port = await freePort();
  const proc = spawn(process.execPath, [CLI, 'start', '--host', '127.0.0.1', '--port', String(port), '--workers', '2', '--data-dir', first.dataDir, '--config', join(first.dataDir, 'config.yaml')], {
    env: { ...cleanEnv(), SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN }, stdio: 'ignore',
  });
  try {
    const statuses: number[] = [];
    const deadline = Date.now() + 15_000;
    while (statuses.length < 20 && Date.now() < deadline) {
      try {
        const r = await freshRequest(`http://127.0.0.1:${port}/v1/chat/completions`, { method: 'POST', body: chatBody('first'), headers: { authorization: `Bearer ${key}` } });
        statuses.push(r.status);
      } catch { await new Promise((r) => setTimeout(r, 2)); /* not listening yet */ }
    }
    assert.equal(statuses.length, 20, 'the node never accepted connections');
    assert.deepEqual(statuses, Array(20).fill(200));
  } finally {
    proc.kill('SIGTERM');
    await new Promise((r) => proc.once('exit', r));
  }
});

test('a second node on a port already in use refuses to start instead of silently sharing the port', async () => {
  // The workers bind with SO_REUSEPORT; without the check the kernel would let the second node bind too and
  // hand it part of the new connections.
  const first = await startNode({ workers: 2 });
  try {
    const second = await runCli(['start', '--host', '127.0.0.1', '--port', String(first.port), '--workers', '1', '--data-dir', mkdtempSync(join(tmpdir(), 'sy-node-'))], {}, 8_000);
    assert.equal(second.code, 1, second.out);
    assert.match(second.out, new RegExp(`port ${first.port} on 127\\.0\\.0\\.1 is already in use by another process`));
    for (let i = 0; i < 10; i++) {
      const r = await freshRequest(`${first.url}/v1/chat/completions`, { method: 'POST', body: chatBody(`after ${i}`) });
      assert.equal(r.status, 200);
    }
  } finally {
    assert.equal(await first.stop(), 0);
  }
});

test('a worker that cannot load fails start-up with its error instead of leaving the node unready', async () => {
  const t0 = Date.now();
  const r = await runCli(['start', '--host', '127.0.0.1', '--port', String(await freePort()), '--workers', '2', '--data-dir', mkdtempSync(join(tmpdir(), 'sy-node-'))], {
    SWITCHYARD_TEST_HOOKS: '1', SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN, SWITCHYARD_TEST_WORKER_LOAD_ERROR: 'simulated load failure',
  });
  assert.equal(r.code, 1);
  assert.match(r.out, /cannot start: .*simulated load failure/);
  assert.ok(Date.now() - t0 < 10_000);
});
