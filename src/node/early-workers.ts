/**
 * Worker threads started before the main thread has loaded its own modules. Start-up is mostly module
 * loading: the control plane (cluster agent, request log, governance) and each worker's data plane take a
 * few hundred ms each. Started first, the workers load on the other core while the main thread loads; they
 * do not listen until the supervisor adopts them and sends the current snapshots, then `listen`.
 *
 * Kept free of heavy imports on purpose: the CLI loads this before anything else of the node.
 */
import { Worker } from 'node:worker_threads';
import type { ResolvedConfig } from '../config/index.js';
import { createConcurrencyBuffer } from '../governance/shared-concurrency.js';
import type { WorkerData } from './messages.js';

export const WORKER_URL = new URL('./worker.js', import.meta.url);

/** A worker spawned ahead of the supervisor; it records an exit or error that happens before adoption. */
export interface EarlyWorker {
  worker: Worker;
  exitCode?: number;
  error?: Error;
  /** Removes the recording listeners (the supervisor's take over). */
  release(): void;
}

export interface EarlyWorkers {
  /** The node-wide in-flight counters the workers were given (the supervisor keeps using them). */
  concurrency: SharedArrayBuffer;
  workers: EarlyWorker[];
}

export function workerData(cfg: ResolvedConfig, index: number, concurrency: SharedArrayBuffer): WorkerData {
  return { config: cfg, index, concurrency };
}

export function spawnWorkersEarly(cfg: ResolvedConfig): EarlyWorkers {
  const concurrency = createConcurrencyBuffer(cfg.workers);
  const workers: EarlyWorker[] = [];
  for (let i = 0; i < cfg.workers; i++) {
    const worker = new Worker(WORKER_URL, { workerData: workerData(cfg, i, concurrency) });
    const early: EarlyWorker = {
      worker,
      release: () => {
        worker.off('exit', onExit);
        worker.off('error', onError);
      },
    };
    const onExit = (code: number) => { early.exitCode = code; };
    const onError = (err: Error) => { early.error = err; };
    worker.on('exit', onExit);
    worker.on('error', onError);
    workers.push(early);
  }
  return { concurrency, workers };
}
