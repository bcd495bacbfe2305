/**
 * Starts a real Switchyard node (the built CLI, real uWS workers on a real port) for integration tests,
 * and stops it afterwards. Output is captured so tests can assert on logs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { freePort } from './ports.js';

/** Admin token every test node is started with (the admin API is never open). */
export const ADMIN_TOKEN = 'sy-admin-test-token-0123456789';
export const adminHeaders = { authorization: `Bearer ${ADMIN_TOKEN}` };

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const CLI = join(REPO_ROOT, 'bin', 'switchyard.js');

export interface NodeHandle {
  url: string;
  port: number;
  proc: ChildProcess;
  dataDir: string;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  exited: Promise<number | null>;
}

export interface StartOptions {
  config?: object;
  args?: string[];
  env?: Record<string, string>;
  workers?: number;
  readyTimeoutMs?: number;
}

export async function startNode(opts: StartOptions = {}): Promise<NodeHandle> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'sy-node-'));
  const args = [CLI, 'start', '--host', '127.0.0.1', '--port', String(port), '--workers', String(opts.workers ?? 2), '--data-dir', dataDir];
  if (opts.config) {
    const file = join(dataDir, 'config.yaml');
    writeFileSync(file, stringify(opts.config));
    args.push('--config', file);
  }
  args.push(...(opts.args ?? []));
  const proc = spawn(process.execPath, args, {
    env: { ...cleanEnv(), SWITCHYARD_TEST_HOOKS: '1', SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d) => { out += d; });
  proc.stderr!.on('data', (d) => { out += d; });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 15_000);
  let done = false;
  void exited.then(() => { done = true; });
  while (!done) {
    try {
      const r = await fetch(`${url}/health/ready`);
      if (r.status === 200) break;
    } catch { /* not up yet */ }
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`node did not become ready:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  if (done) throw new Error(`node exited during start-up:\n${out}`);
  return {
    url, port, proc, dataDir, exited,
    output: () => out,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode;
      proc.kill(signal);
      const t = setTimeout(() => proc.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(t);
      return code;
    },
  };
}

/** Runs the CLI to completion and returns its exit code and output. */
export function runCli(args: string[], env: Record<string, string> = {}, timeoutMs = 15_000): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [CLI, ...args], { env: { ...cleanEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout!.on('data', (d) => { out += d; });
    proc.stderr!.on('data', (d) => { out += d; });
    const t = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    proc.on('exit', (code) => { clearTimeout(t); resolve({ code, out }); });
  });
}

/** The test runner's env minus provider keys, so a developer's real keys never reach a test node. */
export function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined) continue;
    if (/_API_KEY$|_BASE_URL$/.test(k) || k.startsWith('SWITCHYARD_') || k === 'UWS_USE_FALLBACK') continue;
    env[k] = v;
  }
  return env;
}
