/**
 * A real Switchyard node (the built CLI: `switchyard start`) as one member of a test cluster on 127.0.0.1.
 * Unlike test/helpers/node-process.ts it keeps its HTTP port, cluster port and data dir across a restart,
 * which the restart and load-balancer tests need (nginx has the port in its config; the node id lives in
 * the data dir). The cluster key reaches the node through a 0600 key file, never the command line; the
 * admin token that /api/cluster needs goes in the node's config file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort } from '../../helpers/ports.js';
import { isRunning, terminate, track } from './processes.js';
import { CLI } from './repo.js';

export interface ClusterMember {
  node_id: string;
  self: boolean;
  state: 'alive' | 'suspect' | 'dead';
  http_address: string;
  addresses: string[];
}

export interface ClusterRoute {
  circuit: 'closed' | 'open' | 'half_open';
  since: number | null;
  requests: number;
  errors: number;
}

/** The body of GET /api/cluster (and of `switchyard cluster status --json`). */
export interface ClusterStatus {
  node_id: string;
  networked: boolean;
  listen_addresses: string[];
  members: ClusterMember[];
  routing: Record<string, ClusterRoute>;
}

export interface GatewaySpec {
  /** Label used in the node's folder name and in error messages. */
  name: string;
  /** Folder that holds this node's config, key file and data dir (kept across restarts). */
  dir: string;
  /** 64 hex characters. */
  clusterKey: string;
  /** Bootstrap admin token (auth.admin_token): /api/* needs it. */
  adminToken: string;
  seeds: string[];
  /** Extra config merged over the defaults (providers, routing, cluster timings ...). */
  config: Record<string, unknown>;
  workers: number;
  port: number;
  clusterPort: number;
  /** Extra environment for the node (e.g. SWITCHYARD_TEST_HOOKS). */
  env?: Record<string, string>;
}

export interface GatewayNode {
  spec: GatewaySpec;
  url: string;
  nodeId: string;
  /** The node's own cluster multiaddr, including /p2p/<peer id> (what other nodes use as --seed). */
  seedAddress: string;
  proc: ChildProcess;
  exited: Promise<number | null>;
  output(): string;
  running(): boolean;
  /** GET /api/cluster on this node, with the admin token. */
  status(): Promise<ClusterStatus>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export type GatewayOptions = Omit<GatewaySpec, 'dir' | 'port' | 'clusterPort' | 'workers' | 'seeds' | 'config' | 'adminToken'>
  & Partial<Pick<GatewaySpec, 'workers' | 'seeds' | 'config' | 'port' | 'clusterPort' | 'adminToken' | 'env'>>;

/** One admin token for every node of this test run, as an operator would configure a cluster. */
const RUN_ADMIN_TOKEN = `sy-admin-${randomBytes(16).toString('hex')}`;

/** Starts a node in a new folder under `root`, on fresh ports. */
export async function launchGateway(root: string, opts: GatewayOptions, readyTimeoutMs = 20_000): Promise<GatewayNode> {
  const dir = join(root, opts.name);
  mkdirSync(dir, { recursive: true });
  const spec: GatewaySpec = {
    name: opts.name, dir, clusterKey: opts.clusterKey, adminToken: opts.adminToken ?? RUN_ADMIN_TOKEN,
    seeds: opts.seeds ?? [], config: opts.config ?? {},
    workers: opts.workers ?? 1, port: opts.port ?? await freePort(), clusterPort: opts.clusterPort ?? await freePort(),
    env: opts.env,
  };
  return runGateway(spec, readyTimeoutMs);
}

/** Starts (again) the node described by `spec`: same folder, same data dir, same ports. */
export async function runGateway(spec: GatewaySpec, readyTimeoutMs = 20_000): Promise<GatewayNode> {
  const configFile = join(spec.dir, 'config.yaml');
  const keyFile = join(spec.dir, 'cluster.key');
  // Data-plane auth stays off (the tests send no virtual keys); the admin API gets this run's token.
  const auth = { enforce_auth: false, admin_token: spec.adminToken, ...(spec.config.auth as object | undefined) };
  writeFileSync(configFile, stringify({ ...spec.config, auth }), { mode: 0o600 });
  writeFileSync(keyFile, `${spec.clusterKey}\n`, { mode: 0o600 });
  const args = [
    CLI, 'start', '--host', '127.0.0.1', '--port', String(spec.port), '--workers', String(spec.workers),
    '--data-dir', join(spec.dir, 'data'), '--config', configFile,
    '--cluster-port', String(spec.clusterPort), '--cluster-key-file', keyFile,
    ...spec.seeds.flatMap((s) => ['--seed', s]),
  ];
  const proc = track(spawn(process.execPath, args, { env: { ...childEnv(), ...spec.env }, stdio: ['ignore', 'pipe', 'pipe'] }));
  let out = '';
  proc.stdout!.setEncoding('utf8').on('data', (d: string) => { out += d; });
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => { out += d; });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${spec.port}`;

  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (!isRunning(proc)) throw new Error(`node ${spec.name} exited during start-up:\n${out}`);
    if (await ready(url)) break;
    if (Date.now() > deadline) {
      await terminate(proc, 'SIGKILL');
      throw new Error(`node ${spec.name} not ready after ${readyTimeoutMs} ms:\n${out}`);
    }
    await sleep(50);
  }
  const first = await getStatus(url, spec.adminToken);
  const seedAddress = first.listen_addresses.find((a) => a.startsWith('/ip4/127.0.0.1/'));
  if (!seedAddress) throw new Error(`node ${spec.name} reports no 127.0.0.1 cluster address: ${JSON.stringify(first.listen_addresses)}`);
  return {
    spec, url, proc, exited, nodeId: first.node_id, seedAddress,
    output: () => out,
    running: () => isRunning(proc),
    status: () => getStatus(url, spec.adminToken),
    stop: (signal: NodeJS.Signals = 'SIGTERM') => terminate(proc, signal),
  };
}

async function ready(url: string): Promise<boolean> {
  try {
    const r = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(1000) });
    await r.arrayBuffer();
    return r.status === 200;
  } catch {
    return false;
  }
}

export async function getStatus(url: string, adminToken: string): Promise<ClusterStatus> {
  const r = await fetch(`${url}/api/cluster`, { headers: { authorization: `Bearer ${adminToken}` }, signal: AbortSignal.timeout(5000) });
  if (r.status !== 200) throw new Error(`GET ${url}/api/cluster answered ${r.status}: ${await r.text()}`);
  return (await r.json()) as ClusterStatus;
}

/** `switchyard cluster status --url <url> --json` for this node, run as its own process, parsed. */
export async function cliClusterStatus(node: GatewayNode): Promise<ClusterStatus> {
  const url = node.url;
  // The token goes through the environment, not argv, where `ps` would show it.
  const { code, stdout, stderr } = await runCli(['cluster', 'status', '--url', url, '--json'], { SWITCHYARD_ADMIN_TOKEN: node.spec.adminToken });
  if (code !== 0) throw new Error(`switchyard cluster status --url ${url} exited ${code}:\n${stdout}${stderr}`);
  return JSON.parse(stdout) as ClusterStatus;
}

/** Runs the CLI to completion (killed after `timeoutMs`). */
export function runCli(args: string[], env: Record<string, string> = {}, timeoutMs = 15_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const proc = track(spawn(process.execPath, [CLI, ...args], { env: { ...childEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] }));
    let stdout = '';
    let stderr = '';
    proc.stdout!.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    proc.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    proc.once('exit', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}

/** Alive members' node ids as this status reports them, sorted. */
export function aliveIds(s: ClusterStatus): string[] {
  return s.members.filter((m) => m.state === 'alive').map((m) => m.node_id).sort();
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `probe` until it returns true; returns the time it took, throws with `label` on timeout. */
export async function waitFor(label: string, probe: () => Promise<boolean> | boolean, timeoutMs = 10_000, everyMs = 50): Promise<number> {
  const start = Date.now();
  let last: unknown;
  for (;;) {
    try {
      if (await probe()) return Date.now() - start;
    } catch (err) {
      last = err;
    }
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${label}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await sleep(everyMs);
  }
}

/** The runner's environment minus provider keys and SWITCHYARD_* settings, so nothing leaks into a node. */
function childEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined) continue;
    if (/_API_KEY$|_BASE_URL$/.test(k) || k.startsWith('SWITCHYARD_') || k === 'UWS_USE_FALLBACK') continue;
    env[k] = v;
  }
  return env;
}
