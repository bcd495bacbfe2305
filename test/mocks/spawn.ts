/** Starts the OpenAI mock as a separate process (openai-upstream-main) and drives it over its control endpoints. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FaultRule } from './openai/faults.js';
import type { MockRequestRecord } from './openai-upstream.js';

export interface SpawnOpenAIMockOptions {
  port?: number;
  host?: string;
  latencyMs?: number;
  requireKey?: string;
  /** The main script; defaults to openai-upstream-main next to this file (.js when compiled, .ts under tsx). */
  script?: string;
  /** How long to wait for `LISTENING <port>` (default 15 s). */
  startTimeoutMs?: number;
}

export interface SpawnedOpenAIMock {
  /** Base URL including /v1. */
  url: string;
  port: number;
  child: ChildProcess;
  setFaults(rules: FaultRule[]): Promise<void>;
  requests(): Promise<MockRequestRecord[]>;
  reset(): Promise<void>;
  /** SIGTERM, then SIGKILL if the process has not exited within 5 s. */
  close(): Promise<void>;
}

/** The main script beside this module, in whatever form this module itself runs (compiled .js or .ts under tsx). */
export function defaultMockScript(): string {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  return fileURLToPath(new URL(`./openai-upstream-main${ext}`, import.meta.url));
}

export async function spawnOpenAIMock(opts: SpawnOpenAIMockOptions = {}): Promise<SpawnedOpenAIMock> {
  const script = opts.script ?? defaultMockScript();
  const args: string[] = [];
  // A .ts script needs the tsx loader; resolve it from here so the child does not depend on its cwd.
  if (script.endsWith('.ts')) args.push('--import', import.meta.resolve('tsx'));
  args.push(script, '--port', String(opts.port ?? 0), '--host', opts.host ?? '127.0.0.1', '--exit-on-stdin-close');
  if (opts.latencyMs !== undefined) args.push('--latency-ms', String(opts.latencyMs));
  if (opts.requireKey !== undefined) args.push('--require-key', opts.requireKey);

  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const fail = (why: string) => { clearTimeout(timer); child.kill('SIGKILL'); reject(new Error(`OpenAI mock did not start: ${why}\n${stderr}`)); };
    const timer = setTimeout(() => fail('timed out waiting for LISTENING'), opts.startTimeoutMs ?? 15_000);
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /^LISTENING (\d+)$/m.exec(out);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    });
    child.once('exit', (code, signal) => fail(`exited early (code ${code}, signal ${signal})`));
  });

  const host = opts.host ?? '127.0.0.1';
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const control = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const r = await fetch(`${origin}/__mock/${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const parsed: unknown = await r.json();
    if (!r.ok) throw new Error(`mock control ${method} ${path} failed: ${r.status} ${JSON.stringify(parsed)}`);
    return parsed;
  };

  return {
    url: `${origin}/v1`,
    port,
    child,
    setFaults: async (rules) => { await control('POST', 'faults', rules); },
    requests: async () => (await control('GET', 'requests')) as MockRequestRecord[],
    reset: async () => { await control('POST', 'reset'); },
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
      child.stdin?.destroy();
    },
  };
}
