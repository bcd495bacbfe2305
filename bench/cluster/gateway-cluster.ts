/**
 * N real gateway processes (`switchyard start`, one worker each) joined into one cluster on 127.0.0.1:
 * node 0 starts first and is the only seed; the others dial it and learn about each other through gossip,
 * as in production. The cluster key reaches each node through a 0600 key file (never argv) and the admin
 * token through `auth.admin_token` in the node's config file.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort, repoRoot, spawnService, tempDir, type Service } from '../lib/index.js';
import { getJson, getText, sleep } from './http.js';

export interface ClusterRoute {
  circuit: 'closed' | 'open' | 'half_open';
  /** when this node's view last changed state (its own clock, epoch ms) */
  since: number | null;
  requests: number;
  errors: number;
  effective_weight?: number;
  health?: number;
}

export interface ClusterStatus {
  node_id: string;
  networked: boolean;
  listen_addresses: string[];
  members: Array<{ node_id: string; state: 'alive' | 'suspect' | 'dead' }>;
  routing: Record<string, ClusterRoute>;
}

export interface GatewayNode {
  index: number;
  origin: string;
  nodeId: string;
  service: Service;
  /** GET /api/cluster with the admin token */
  cluster(): Promise<ClusterStatus>;
  /** GET /metrics */
  metrics(): Promise<string>;
  /** GET an /api path with the admin token, parsed */
  api<T = any>(path: string): Promise<T>;
}

export interface GatewayCluster {
  nodes: GatewayNode[];
  adminToken: string;
  /** how long node 0 took to become ready, and the whole cluster to see every member alive */
  startup: { firstReadyMs: number; formedMs: number };
  stop(): Promise<void>;
}

export interface ClusterLaunchOptions {
  size: number;
  /** config shared by every node (providers, routing, pricing, cluster timings); auth is added here */
  config: Record<string, unknown>;
  workers?: number;
  readyTimeoutMs?: number;
  formTimeoutMs?: number;
}

export async function launchCluster(opts: ClusterLaunchOptions): Promise<GatewayCluster> {
  if (!Number.isInteger(opts.size) || opts.size < 1) throw new RangeError(`cluster size must be a whole number >= 1, got ${opts.size}`);
  const dir = tempDir('switchyard-bench-cluster');
  const adminToken = `sy-admin-${randomBytes(16).toString('hex')}`;
  const clusterKey = randomBytes(32).toString('hex');
  const started = Date.now();
  const nodes: GatewayNode[] = [];
  const stopAll = async () => {
    await Promise.all(nodes.map((n) => n.service.stop(3000)));
    dir.remove();
  };
  try {
    const first = await startNode(0, []);
    const firstReadyMs = Date.now() - started;
    const seed = (await first.cluster()).listen_addresses.find((a) => a.startsWith('/ip4/127.0.0.1/'));
    if (!seed) throw new Error('node 0 reports no 127.0.0.1 cluster address');
    await Promise.all(Array.from({ length: opts.size - 1 }, (_, i) => startNode(i + 1, [seed])));
    nodes.sort((a, b) => a.index - b.index);
    await waitFormed(nodes, opts.formTimeoutMs ?? 30_000);
    return { nodes, adminToken, startup: { firstReadyMs, formedMs: Date.now() - started }, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }

  async function startNode(index: number, seeds: string[]): Promise<GatewayNode> {
    const home = join(dir.path, `node-${index}`);
    mkdirSync(home, { recursive: true });
    const configFile = join(home, 'config.yaml');
    const keyFile = join(home, 'cluster.key');
    const auth = { enforce_auth: false, admin_token: adminToken };
    writeFileSync(configFile, stringify({ logging: { level: 'warn' }, ...opts.config, auth }), { mode: 0o600 });
    writeFileSync(keyFile, `${clusterKey}\n`, { mode: 0o600 });
    const port = await freePort();
    const args = [
      join(repoRoot(), 'bin', 'switchyard.js'), 'start', '--host', '127.0.0.1', '--port', String(port),
      '--workers', String(opts.workers ?? 1), '--data-dir', join(home, 'data'), '--config', configFile,
      '--cluster-port', String(await freePort()), '--cluster-key-file', keyFile, ...seeds.flatMap((s) => ['--seed', s]),
    ];
    const origin = `http://127.0.0.1:${port}`;
    const service = await spawnService({
      name: `switchyard node-${index}`, command: process.execPath, args, env: childEnv(),
      readyUrl: `${origin}/health/ready`, timeoutMs: opts.readyTimeoutMs ?? 30_000,
    });
    const api = async <T>(path: string): Promise<T> => {
      const r = await getJson<T>(`${origin}${path}`, adminToken);
      if (r.status !== 200) throw new Error(`GET ${origin}${path} answered ${r.status}: ${JSON.stringify(r.body).slice(0, 200)}`);
      return r.body;
    };
    const node: GatewayNode = {
      index, origin, nodeId: '', service,
      cluster: () => api<ClusterStatus>('/api/cluster'),
      metrics: () => getText(`${origin}/metrics`),
      api,
    };
    // Registered before anything else can fail, so stopAll() reaches it.
    nodes.push(node);
    node.nodeId = (await node.cluster()).node_id;
    return node;
  }
}

/** Until every node lists every node as alive. */
async function waitFormed(nodes: GatewayNode[], timeoutMs: number): Promise<void> {
  const ids = nodes.map((n) => n.nodeId).sort().join();
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const views = await Promise.all(nodes.map((n) => n.cluster()));
    const alive = views.map((v) => v.members.filter((m) => m.state === 'alive').map((m) => m.node_id).sort().join());
    if (alive.every((a) => a === ids)) return;
    last = views.map((v, i) => `node-${i}: ${v.members.filter((m) => m.state === 'alive').length} alive`).join(', ');
    await sleep(100);
  }
  throw new Error(`cluster of ${nodes.length} did not form within ${timeoutMs} ms (${last})`);
}

/** The bench's environment minus provider keys and SWITCHYARD_* settings, so nothing leaks into a node. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined) continue;
    if (/_API_KEY$|_BASE_URL$/.test(k) || k.startsWith('SWITCHYARD_') || k === 'UWS_USE_FALLBACK') continue;
    env[k] = v;
  }
  return env;
}
