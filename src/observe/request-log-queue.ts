/**
 * The worker side of the request log: entries go into a bounded in-memory queue and are sent to the main
 * thread in batches on a timer. The request path only pushes onto an array; when the queue is full the
 * entry is dropped and counted, so a slow disk never slows the data plane.
 */
import { Counter, type Registry } from 'prom-client';
import type { WorkerLogEntry } from '../store/index.js';

export interface RequestLogQueueOptions {
  /** Most entries held between flushes. */
  maxEntries: number;
  flushMs: number;
  registry?: Registry;
}

export class RequestLogQueue {
  private items: WorkerLogEntry[] = [];
  private readonly timer: NodeJS.Timeout;
  readonly dropped: Counter;

  constructor(private readonly send: (batch: WorkerLogEntry[]) => void, private readonly opts: RequestLogQueueOptions) {
    this.dropped = new Counter({
      name: 'switchyard_request_log_dropped_total', help: 'Request-log entries dropped because the queue to the log writer was full.',
      registers: opts.registry ? [opts.registry] : [],
    });
    this.timer = setInterval(() => this.flush(), opts.flushMs);
    this.timer.unref();
  }

  push(e: WorkerLogEntry): void {
    if (this.items.length >= this.opts.maxEntries) { this.dropped.inc(); return; }
    this.items.push(e);
  }

  get size(): number { return this.items.length; }

  flush(): void {
    if (this.items.length === 0) return;
    const batch = this.items;
    this.items = [];
    this.send(batch);
  }

  stop(): void {
    clearInterval(this.timer);
    this.flush();
  }
}
