/**
 * A real Prometheus scraping a three-node cluster of real gateway processes every second, configured from
 * deploy/prometheus/prometheus.yml itself (only the targets and the intervals are swapped). Prometheus'
 * sum over the nodes must equal exactly what the test sent to each node, and every node's /metrics must
 * pass `promtool check metrics`.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse, stringify } from 'yaml';
import { freshRequest } from '../helpers/fresh-http.js';
import { freePort } from '../helpers/ports.js';
import { aliveIds, launchGateway, waitFor, type GatewayNode } from './helpers/gateway.js';
import { isRunning, killAll, track } from './helpers/processes.js';
import { DEPLOY_DIR } from './helpers/repo.js';

const KEY = randomBytes(32).toString('hex');
const PROMETHEUS = ['/usr/bin/prometheus', '/usr/local/bin/prometheus'].find((p) => existsSync(p)) ?? 'prometheus';
const PROMTOOL = ['/usr/bin/promtool', '/usr/local/bin/promtool'].find((p) => existsSync(p)) ?? 'promtool';
/** Chat requests sent to node-0, node-1 and node-2: different counts, so a node scraped twice or missed shows. */
const SENT = [5, 8, 13];

interface PromVector { status: string; data: { resultType: string; result: Array<{ metric: Record<string, string>; value: [number, string] }> } }

/** The shipped Prometheus config, pointed at the test nodes and scraping every second. */
function prometheusConfig(targets: string[]): string {
  const cfg = parse(readFileSync(join(DEPLOY_DIR, 'prometheus', 'prometheus.yml'), 'utf8')) as {
    global: Record<string, unknown>; scrape_configs: Array<{ job_name: string; static_configs: Array<{ targets: string[] }> }>;
  };
  cfg.global = { ...cfg.global, scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' };
  const job = cfg.scrape_configs.find((j) => j.job_name === 'switchyard');
  assert.ok(job, 'deploy/prometheus/prometheus.yml has no "switchyard" job');
  job.static_configs = [{ ...job.static_configs[0]!, targets }];
  return stringify(cfg);
}

describe('Prometheus scraping a three-node cluster', { timeout: 60_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), 'sy-e2e-prom-'));
  const nodes: GatewayNode[] = [];
  let promUrl = '';
  let promOut = '';

  async function query(q: string): Promise<PromVector> {
    const r = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(q)}`, { signal: AbortSignal.timeout(2000) });
    const body = (await r.json()) as PromVector;
    assert.equal(r.status, 200, JSON.stringify(body));
    return body;
  }
  /** The single value of an aggregating query, or undefined while Prometheus has no sample yet. */
  async function scalar(q: string): Promise<number | undefined> {
    const v = await query(q);
    return v.data.result.length ? Number(v.data.result[0]!.value[1]) : undefined;
  }

  before(async () => {
    const config = {
      logging: { level: 'warn' },
      providers: { vendor: { type: 'mock', api_key: 'e2e-unused' } },
      cluster: { heartbeat_ms: 200, suspect_after_ms: 800, dead_after_ms: 2000, sync_interval_ms: 1000 },
    };
    // Two workers per node, so each node's exposition is itself a sum over threads.
    const n0 = await launchGateway(root, { name: 'node-0', clusterKey: KEY, config, workers: 2 });
    nodes.push(n0);
    nodes.push(...await Promise.all([1, 2].map((i) => launchGateway(root, { name: `node-${i}`, clusterKey: KEY, seeds: [n0.seedAddress], config, workers: 2 }))));
    const ids = nodes.map((n) => n.nodeId).sort();
    await waitFor('the three nodes see each other alive', async () => {
      const views = await Promise.all(nodes.map((n) => n.status()));
      return views.every((v) => aliveIds(v).join() === ids.join());
    }, 15_000);

    const dir = join(root, 'prometheus');
    mkdirSync(dir);
    const configFile = join(dir, 'prometheus.yml');
    writeFileSync(configFile, prometheusConfig(nodes.map((n) => new URL(n.url).host)));
    const check = spawnSync(PROMTOOL, ['check', 'config', configFile], { encoding: 'utf8' });
    assert.equal(check.status, 0, `promtool check config:\n${check.stdout}${check.stderr}`);
    const port = await freePort();
    promUrl = `http://127.0.0.1:${port}`;
    const proc = track(spawn(PROMETHEUS, [
      `--config.file=${configFile}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`,
    ], { stdio: ['ignore', 'pipe', 'pipe'] }));
    proc.stdout!.setEncoding('utf8').on('data', (d: string) => { promOut += d; });
    proc.stderr!.setEncoding('utf8').on('data', (d: string) => { promOut += d; });
    await waitFor('Prometheus is ready', async () => {
      if (!isRunning(proc)) throw new Error(`prometheus exited:\n${promOut}`);
      const r = await fetch(`${promUrl}/-/ready`, { signal: AbortSignal.timeout(1000) });
      await r.arrayBuffer();
      return r.status === 200;
    }, 15_000, 100);
  });

  after(async () => {
    await killAll();
    rmSync(root, { recursive: true, force: true });
  });

  test('sum(switchyard_requests_total{route="chat"}) in Prometheus equals what was sent to the three nodes', async () => {
    await Promise.all(nodes.map((n, i) => Promise.all(Array.from({ length: SENT[i]! }, (_, k) => freshRequest(`${n.url}/v1/chat/completions`, {
      method: 'POST', body: JSON.stringify({ model: 'vendor/echo-1', messages: [{ role: 'user', content: `request ${k} to node ${i}` }] }),
    }).then((r) => assert.equal(r.status, 200, r.body))))));
    const total = SENT.reduce((a, b) => a + b, 0);

    let last: number | undefined;
    const ms = await waitFor(`Prometheus sums ${total} chat requests`, async () => {
      last = await scalar('sum(switchyard_requests_total{route="chat"})');
      return last === total;
    }, 20_000, 250).catch((err: Error) => { throw new Error(`${err.message}; last answer: ${last}\n${promOut.slice(-2000)}`); });
    console.log(`# Prometheus reported all ${total} requests ${ms} ms after they were sent`);

    // Per node too: each scrape target carries exactly what that node served.
    const byInstance = await query('sum by (instance) (switchyard_requests_total{route="chat"})');
    const got = Object.fromEntries(byInstance.data.result.map((r) => [r.metric.instance, Number(r.value[1])]));
    assert.deepEqual(got, Object.fromEntries(nodes.map((n, i) => [new URL(n.url).host, SENT[i]])));
    assert.equal(await scalar('sum(up{job="switchyard"})'), 3);
    assert.deepEqual((await query('up{job="switchyard"}')).data.result.map((r) => r.metric.cluster), ['switchyard', 'switchyard', 'switchyard']);
    // The whole-request histogram saw the same requests, all 2xx.
    assert.equal(await scalar('sum(switchyard_request_duration_seconds_count{route="chat",status_class="2xx"})'), total);
    // Every node runs two workers.
    assert.equal(await scalar('sum(switchyard_workers)'), 6);
  });

  test('every node\'s /metrics passes promtool check metrics', async () => {
    for (const n of nodes) {
      const text = await (await fetch(`${n.url}/metrics`)).text();
      assert.match(text, /^switchyard_request_duration_seconds_count\{route="chat",status_class="2xx"\} \d+$/m);
      assert.match(text, /^switchyard_cluster_circuit_state\{deployment="vendor\/echo-1"\} 0$/m);
      const r = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8' });
      assert.equal(r.status, 0, `promtool check metrics on ${n.spec.name}:\n${r.stdout}${r.stderr}`);
    }
  });
});
