/**
 * Process bootstrap. The main thread is the control plane: it validates the config, checks the native
 * server, prepares the data dir, starts and supervises the workers, and shuts them down gracefully.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ResolvedConfig } from '../config/index.js';
import { createLogger, NodeMetrics, type Logger } from '../observe/index.js';
import { Supervisor } from './supervisor.js';
import { FALLBACK_ERROR, uwsStatus } from './uws-check.js';

export interface RunningNode {
  stop(): Promise<void>;
}

export class StartupError extends Error {}

export async function startNode(cfg: ResolvedConfig, log: Logger = createLogger(cfg.logLevel, { role: 'main' })): Promise<RunningNode> {
  const t0 = performance.now();
  const uws = uwsStatus();
  if (!uws.native) {
    if (!cfg.allowJsFallback) throw new StartupError(FALLBACK_ERROR);
    log.warn('RUNNING ON THE SLOW JAVASCRIPT FALLBACK OF uWebSockets.js (--allow-js-fallback): not for production');
  }
  const dataDir = resolve(cfg.dataDir);
  mkdirSync(dataDir, { recursive: true });

  const metrics = new NodeMetrics();
  const supervisor = new Supervisor(cfg, log, metrics);
  try {
    await supervisor.start();
  } catch (err) {
    await supervisor.stop(0);
    throw new StartupError(`cannot start: ${(err as Error).message}`);
  }
  log.info({
    host: cfg.host, port: cfg.port, workers: cfg.workers, dataDir, providers: Object.keys(cfg.providers),
    startupMs: Math.round(performance.now() - t0),
  }, `switchyard listening on http://${cfg.host}:${cfg.port}`);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      log.info({ timeoutMs: cfg.shutdownTimeoutMs }, 'shutting down: draining in-flight requests');
      await supervisor.stop(cfg.shutdownTimeoutMs);
      log.info('stopped');
      log.flush();
    })();
    return stopping;
  };
  return { stop };
}

/** Wires SIGTERM/SIGINT to a graceful stop; a second signal exits at once. */
export function handleSignals(node: RunningNode, log: Logger): void {
  let signalled = false;
  const onSignal = (sig: NodeJS.Signals) => {
    if (signalled) {
      log.warn({ signal: sig }, 'second signal: exiting now');
      process.exit(1);
    }
    signalled = true;
    void node.stop().then(() => process.exit(0));
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
