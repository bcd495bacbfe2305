/**
 * Spawns test/integration/cluster-harness/node-main.ts as a child process (node --import tsx) and
 * gives the test a typed handle: call(cmd, args), stop(), kill(signal).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

// Runs from source under tsx, or as compiled js from dist/ (npm test).
const COMPILED = import.meta.url.endsWith('.js');
const NODE_MAIN = fileURLToPath(new URL(COMPILED ? './node-main.js' : './node-main.ts', import.meta.url));
const NODE_ARGS = COMPILED ? [] : ['--import', 'tsx'];

export interface HarnessOptions {
  dataDir?: string;
  keyHex?: string;
  insecure?: boolean;
  seeds?: string[];
  port?: number;
  heartbeatMs?: number;
  suspectAfterMs?: number;
  deadAfterMs?: number;
  syncIntervalMs?: number;
  statsFlushMs?: number;
  statsBucketMs?: number;
  statsBuckets?: number;
  testHooks?: boolean;
  node?: { version: string; httpAddress: string };
}

export interface HarnessNode {
  nodeId: string;
  addresses: string[];
  dataDir: string;
  proc: ChildProcess;
  exited: Promise<number | null>;
  call<T = unknown>(cmd: string, args?: object): Promise<T>;
  stop(): Promise<void>;
  kill(signal: NodeJS.Signals): Promise<void>;
  stderr(): string;
}

export async function spawnNode(opts: HarnessOptions, readyTimeoutMs = 20_000): Promise<HarnessNode> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'sy-cluster-node-'));
  const proc = spawn(process.execPath, [...NODE_ARGS, NODE_MAIN, JSON.stringify({ ...opts, dataDir })], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let onReady: (msg: { nodeId: string; addresses: string[] }) => void = () => {};
  const ready = new Promise<{ nodeId: string; addresses: string[] }>((resolve) => (onReady = resolve));
  createInterface({ input: proc.stdout! }).on('line', (line) => {
    const msg = JSON.parse(line) as { event?: string; id?: number; ok?: boolean; result?: unknown; error?: string; nodeId: string; addresses: string[] };
    if (msg.event === 'ready') return onReady(msg);
    const p = pending.get(msg.id!);
    if (!p) return;
    pending.delete(msg.id!);
    if (msg.ok) p.resolve(msg.result);
    else p.reject(new Error(msg.error));
  });
  void exited.then((code) => {
    for (const p of pending.values()) p.reject(new Error(`node exited (${code}) before answering`));
    pending.clear();
  });

  let timer: NodeJS.Timeout | undefined;
  const info = await Promise.race([
    ready,
    exited.then((code) => Promise.reject(new Error(`harness node exited with ${code} before ready:\n${stderr}`))),
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`harness node not ready in ${readyTimeoutMs} ms:\n${stderr}`)), readyTimeoutMs))),
  ]).finally(() => clearTimeout(timer));

  const node: HarnessNode = {
    nodeId: info.nodeId,
    addresses: info.addresses,
    dataDir,
    proc,
    exited,
    call<T>(cmd: string, args: object = {}): Promise<T> {
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return reject(new Error('node is not running'));
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        proc.stdin!.write(`${JSON.stringify({ id, cmd, args })}\n`);
      });
    },
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      await node.call('stop').catch(() => {});
      await exited;
    },
    async kill(signal) {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill(signal);
      await exited;
    },
    stderr: () => stderr,
  };
  return node;
}

/** Polls `probe` until it returns true; throws with `label` and the last value seen on timeout. */
export async function waitFor(label: string, probe: () => Promise<boolean>, timeoutMs = 10_000, everyMs = 50): Promise<number> {
  const start = Date.now();
  for (;;) {
    if (await probe()) return Date.now() - start;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${label}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
