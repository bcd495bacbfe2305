/**
 * Spawns the worker threads, restarts any that die (with backoff when they keep dying), bridges metric
 * scrapes, and drains them on shutdown.
 */
import { Worker } from 'node:worker_threads';
/** One worker registry's getMetricsAsJSON() output. */
type metric = object;
import type { ResolvedConfig } from '../config/index.js';
import type { Logger, NodeMetrics } from '../observe/index.js';
import { createConcurrencyBuffer, resetWorkerRow } from '../governance/shared-concurrency.js';
import { WORKER_URL, workerData, type EarlyWorker, type EarlyWorkers } from './early-workers.js';
import type { FromWorker, ToWorker } from './messages.js';
const COLLECT_TIMEOUT_MS = 2_000;

/** What the control plane does with messages from workers. */
export interface ControlHandlers {
  onObservations(items: import('../router/index.js').Observation[]): void;
  onUsage(batch: import('../governance/index.js').UsageBatch): void;
  onRpc(method: string, args: unknown): Promise<unknown>;
  /** Messages every new or restarted worker gets at once (the current snapshots). */
  welcome(): ToWorker[];
}

interface Slot { index: number; worker?: Worker; listening: boolean; crashes: number; lastStart: number }

export class Supervisor {
  private readonly slots: Slot[] = [];
  private stopping = false;
  /** All workers listened once: restarted workers are ready as soon as they listen. */
  private started = false;
  private collectSeq = 0;
  private readonly collects = new Map<number, { pending: number; got: metric[][]; done: () => void }>();

  control?: ControlHandlers;
  private readonly concurrency: SharedArrayBuffer;

  /** `early`: workers the CLI started before the node's modules loaded (see early-workers.ts); adopted by start(). */
  constructor(private readonly cfg: ResolvedConfig, private readonly log: Logger, private readonly metrics: NodeMetrics, private early?: EarlyWorkers) {
    this.concurrency = early?.concurrency ?? createConcurrencyBuffer(cfg.workers);
  }

  /** Sends a message to every running worker. */
  broadcast(m: ToWorker): void {
    for (const s of this.slots) if (s.worker) this.post(s.worker, m);
  }

  /** Starts all workers; resolves when every one listens, rejects if any cannot. */
  start(): Promise<void> {
    const ready: Promise<void>[] = [];
    for (let i = 0; i < this.cfg.workers; i++) {
      const slot: Slot = { index: i, listening: false, crashes: 0, lastStart: 0 };
      this.slots.push(slot);
      ready.push(new Promise((resolve, reject) => this.spawn(slot, resolve, reject, this.early?.workers[i])));
    }
    this.early = undefined;
    return Promise.all(ready).then(() => {
      this.started = true;
      this.broadcast({ type: 'node-ready' });
    });
  }

  /**
   * Starts (or adopts an early-started) worker. It gets the current snapshots first and only then `listen`,
   * so that its first request already sees the keys, budgets and cluster view.
   */
  private spawn(slot: Slot, onListening?: () => void, onFailed?: (e: Error) => void, early?: EarlyWorker): void {
    if (early) early.release();
    if (early && (early.exitCode !== undefined || early.error)) {
      onFailed?.(new Error(`worker ${slot.index} failed while loading: ${early.error?.message ?? `exit code ${early.exitCode}`}`));
      return;
    }
    if (!early) resetWorkerRow(this.concurrency, slot.index);
    const worker = early?.worker ?? new Worker(WORKER_URL, { workerData: workerData(this.cfg, slot.index, this.concurrency) });
    slot.worker = worker;
    slot.listening = false;
    slot.lastStart = Date.now();
    this.metrics.workers.set(this.slots.filter((s) => s.worker).length);
    worker.on('message', (m: FromWorker) => this.onMessage(slot, worker, m, onListening, onFailed));
    for (const m of this.control?.welcome() ?? []) this.post(worker, m);
    this.post(worker, { type: 'listen' });
    worker.on('error', (err) => {
      this.log.error({ worker: slot.index, err: { message: err.message, stack: err.stack } }, 'worker thread crashed');
      // A worker that dies while loading never sends listen-failed: start-up must not wait for it forever.
      if (!slot.listening) onFailed?.(err);
    });
    worker.on('exit', (code) => this.onExit(slot, worker, code));
  }

  private onMessage(slot: Slot, worker: Worker, m: FromWorker, onListening?: () => void, onFailed?: (e: Error) => void): void {
    switch (m.type) {
      case 'listening':
        slot.listening = true;
        if (this.started) this.post(worker, { type: 'node-ready' });
        onListening?.();
        break;
      case 'listen-failed':
        onFailed?.(new Error(m.error));
        void worker.terminate();
        break;
      case 'metrics': {
        const c = this.collects.get(m.id);
        if (c) { c.got.push(m.data); if (--c.pending === 0) c.done(); }
        break;
      }
      case 'scrape':
        this.scrape().then(
          (text) => this.post(worker, { type: 'scrape-result', id: m.id, text, ok: true }),
          (err: Error) => this.post(worker, { type: 'scrape-result', id: m.id, text: err.message, ok: false }),
        );
        break;
      case 'obs':
        this.control?.onObservations(m.items);
        break;
      case 'usage':
        this.control?.onUsage(m.batch);
        break;
      case 'rpc': {
        const control = this.control;
        if (!control) { this.post(worker, { type: 'rpc-result', id: m.id, ok: false, error: { status: 503, message: 'control plane not ready' } }); break; }
        control.onRpc(m.method, m.args).then(
          (value) => this.post(worker, { type: 'rpc-result', id: m.id, ok: true, value }),
          (err: { status?: number; message?: string; code?: string | null; type?: string; param?: string | null }) => {
            // Only gateway errors (with a status) carry their message to the client; anything else is internal.
            const known = typeof err.status === 'number';
            if (!known) this.log.error({ method: m.method, error: { message: err.message } }, 'control call failed');
            this.post(worker, { type: 'rpc-result', id: m.id, ok: false, error: known ? { status: err.status!, message: err.message ?? '', code: err.code, type: err.type, param: err.param } : { status: 500, message: 'control plane error' } });
          },
        );
        break;
      }
      case 'drained':
        if (m.inFlight > 0) this.log.warn({ worker: slot.index, inFlight: m.inFlight }, 'shutdown timeout reached with requests still in flight');
        break;
    }
  }

  private onExit(slot: Slot, worker: Worker, code: number): void {
    if (slot.worker !== worker) return;
    slot.worker = undefined;
    slot.listening = false;
    this.metrics.workers.set(this.slots.filter((s) => s.worker).length);
    if (this.stopping) return;
    slot.crashes = Date.now() - slot.lastStart > 30_000 ? 1 : slot.crashes + 1;
    const delay = Math.min(5_000, 50 * 2 ** Math.min(slot.crashes - 1, 7));
    this.log.error({ worker: slot.index, code, restartInMs: delay }, 'worker thread exited; restarting');
    this.metrics.workerRestarts.inc();
    setTimeout(() => { if (!this.stopping) this.spawn(slot); }, delay).unref();
  }

  private post(worker: Worker, m: ToWorker): void {
    try { worker.postMessage(m); } catch { /* worker is gone */ }
  }

  /** Gathers every live worker's registry and renders one exposition for the node. */
  async scrape(): Promise<string> {
    const live = this.slots.filter((s) => s.worker && s.listening).map((s) => s.worker!);
    const id = ++this.collectSeq;
    const got: metric[][] = [];
    await new Promise<void>((resolve) => {
      if (live.length === 0) return resolve();
      const timer = setTimeout(resolve, COLLECT_TIMEOUT_MS);
      this.collects.set(id, { pending: live.length, got, done: () => { clearTimeout(timer); resolve(); } });
      for (const w of live) this.post(w, { type: 'collect', id });
    });
    this.collects.delete(id);
    return this.metrics.exposition(got);
  }

  liveWorkers(): number {
    return this.slots.filter((s) => s.worker && s.listening).length;
  }

  /** Drains every worker (stop accepting, finish in-flight within the timeout) and waits for them to exit. */
  async stop(timeoutMs: number): Promise<void> {
    this.stopping = true;
    const exits = this.slots.filter((s) => s.worker).map((s) => {
      const w = s.worker!;
      return new Promise<void>((resolve) => {
        w.once('exit', () => resolve());
        this.post(w, { type: 'drain', timeoutMs });
        setTimeout(() => { void w.terminate().then(() => resolve()); }, timeoutMs + 2_000).unref();
      });
    });
    await Promise.all(exits);
  }
}
