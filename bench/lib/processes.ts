/**
 * Child processes of a benchmark: started bound to 127.0.0.1, awaited until ready, and always killed —
 * on normal exit, on an uncaught error, and on SIGINT/SIGTERM/SIGHUP — so a bench run never leaves a
 * server behind. Our own children (mock, bare proxy, loadgen) also get an IPC channel and exit when it
 * closes, which covers the parent being SIGKILLed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { waitForHttpOk } from './http-ready.js';

const live = new Set<ChildProcess>();
let hooksInstalled = false;

function killAllNow(): void {
  for (const child of live) {
    try { child.kill('SIGKILL'); } catch { /* already gone */ }
  }
  live.clear();
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  // 'exit' handlers must be synchronous: SIGKILL is the only thing that is certain to land.
  process.on('exit', killAllNow);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      killAllNow();
      process.exit(128 + ({ SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const)[sig]);
    });
  }
}

/** Registers a child so it is killed when this process goes away. */
export function track(child: ChildProcess): void {
  installHooks();
  live.add(child);
  child.once('exit', () => live.delete(child));
}

/** Kills every tracked child right away (SIGKILL). */
export function killAll(): void {
  killAllNow();
}

export interface ServiceOptions {
  /** short name for messages, e.g. "mock" */
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** a line on stdout that signals readiness; group 1, if any, is the port */
  readyLine?: RegExp;
  /** alternatively (or additionally), a URL that answers 200 once ready */
  readyUrl?: string;
  /** give the child an IPC channel (our own node children exit when it closes) */
  ipc?: boolean;
  timeoutMs?: number;
}

export interface Service {
  name: string;
  pid: number;
  /** the port reported on the ready line, if the pattern captured one */
  port: number | undefined;
  child: ChildProcess;
  /** the last lines the child wrote to stderr/stdout, for error messages */
  outputTail(): string;
  alive(): boolean;
  /** how the child ended ("code 1", "signal SIGSEGV"); undefined while it runs */
  exitStatus(): string | undefined;
  /** SIGTERM, then SIGKILL after `graceMs` */
  stop(graceMs?: number): Promise<void>;
}

const TAIL_LINES = 40;

export async function spawnService(opts: ServiceOptions): Promise<Service> {
  const child = spawn(opts.command, opts.args, {
    env: opts.env ?? process.env,
    stdio: opts.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  track(child);
  const tail: string[] = [];
  const remember = (line: string) => {
    tail.push(line);
    if (tail.length > TAIL_LINES) tail.shift();
  };
  let exited = false;
  let exitStatus: string | undefined;
  child.once('exit', (code, signal) => {
    exited = true;
    exitStatus = signal ? `signal ${signal}` : `code ${code}`;
  });
  createInterface({ input: child.stderr! }).on('line', remember);
  const stdout = createInterface({ input: child.stdout! });
  stdout.on('line', remember);

  const service: Service = {
    name: opts.name,
    pid: child.pid ?? -1,
    port: undefined,
    child,
    outputTail: () => tail.join('\n'),
    alive: () => !exited,
    exitStatus: () => exitStatus,
    stop: (graceMs = 2000) => stopChild(child, () => exited, graceMs),
  };

  const timeoutMs = opts.timeoutMs ?? 15_000;
  try {
    if (opts.readyLine) service.port = await waitForLine(child, stdout, opts.readyLine, timeoutMs, opts.name);
    if (opts.readyUrl) await waitForHttpOk(opts.readyUrl, timeoutMs, service.alive);
  } catch (err) {
    await service.stop(500);
    throw new Error(`${opts.name} did not start: ${(err as Error).message}\n--- ${opts.name} output ---\n${service.outputTail()}`);
  }
  return service;
}

function waitForLine(child: ChildProcess, lines: ReturnType<typeof createInterface>, pattern: RegExp, timeoutMs: number, name: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`no "${pattern.source}" line within ${timeoutMs} ms`)), timeoutMs);
    const onLine = (line: string) => {
      const m = pattern.exec(line);
      if (m) finish(undefined, m[1] === undefined ? undefined : Number(m[1]));
    };
    const onExit = (code: number | null, signal: string | null) => finish(new Error(`${name} exited (code ${code}, signal ${signal})`));
    function finish(err?: Error, port?: number) {
      clearTimeout(timer);
      lines.off('line', onLine);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve(port);
    }
    lines.on('line', onLine);
    child.once('exit', onExit);
  });
}

function stopChild(child: ChildProcess, exited: () => boolean, graceMs: number): Promise<void> {
  if (exited()) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * For our own child entry points: exit when the parent's IPC channel closes (the parent died, even by
 * SIGKILL) and on SIGTERM/SIGINT, running `cleanup` first.
 */
export function exitWithParent(cleanup: () => void = () => {}): void {
  const bye = () => {
    try { cleanup(); } finally { process.exit(0); }
  };
  if (process.send) process.once('disconnect', bye);
  process.once('SIGTERM', bye);
  process.once('SIGINT', bye);
}
