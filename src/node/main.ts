/**
 * Process bootstrap. The main thread is the control plane: it validates the config, checks the native
 * server, prepares the data dir, starts and supervises the workers, and shuts them down gracefully.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { createClusterAgent, parseClusterKey, type ClusterAgent } from '../../cluster/index.js';
import { performance } from 'node:perf_hooks';
import type { ResolvedConfig } from '../config/index.js';
import { createLogger, NodeMetrics, type Logger } from '../observe/index.js';
import { startRequestLog } from '../store/index.js';
import { GovernanceService } from '../governance/index.js';
import { VERSION } from '../core/version.js';
import { adminTokenHash } from './admin-token.js';
import { ControlPlane } from './control.js';
import { registerGovernanceRpc } from './governance-rpc.js';
import { Supervisor } from './supervisor.js';
import type { EarlyWorkers } from './early-workers.js';
import { FALLBACK_ERROR, uwsStatus } from './uws-check.js';
import { assertPortFree } from './port-check.js';

export interface RunningNode {
  stop(): Promise<void>;
}

export class StartupError extends Error {}

/** `early`: worker threads already started by spawnWorkersEarly (the CLI does, to load them in parallel). */
export async function startNode(cfg: ResolvedConfig, log: Logger = createLogger(cfg.logLevel, { role: 'main' }), early?: EarlyWorkers): Promise<RunningNode> {
  const t0 = performance.now();
  const uws = uwsStatus();
  if (!uws.native) {
    if (!cfg.allowJsFallback) throw new StartupError(FALLBACK_ERROR);
    log.warn('RUNNING ON THE SLOW JAVASCRIPT FALLBACK OF uWebSockets.js (--allow-js-fallback): not for production');
  }
  await assertPortFree(cfg.host, cfg.port).catch((err: Error) => { throw new StartupError(`cannot start: ${err.message}`); });
  const dataDir = resolve(cfg.dataDir);
  mkdirSync(dataDir, { recursive: true });

  const agent = await startCluster(cfg, dataDir, log);
  const metrics = new NodeMetrics(agent, { maxLabelValues: cfg.observability?.metrics?.maxLabelValues });
  const supervisor = new Supervisor(cfg, log, metrics, early);
  const control = new ControlPlane(cfg, agent, (m) => supervisor.broadcast(m), log);
  supervisor.control = control;
  const governance = new GovernanceService(agent, (snap) => control.publishGovernance(snap), {
    adminTokenHashes: [adminTokenHash(cfg.adminToken, dataDir, log)], pricing: cfg.pricing, defaultEnforceAuth: cfg.enforceAuth,
  });
  registerGovernanceRpc(control, governance);
  control.governance = governance;
  metrics.trackClusterRouting(() => control.routingView());
  metrics.trackBudgets({ snapshot: () => control.governanceView(), spend: (k) => agent.counter(k) });
  const requestLog = startRequestLog(cfg.observability?.requestLog, dataDir, agent.nodeId, (m, fn) => control.handle(m, fn),
    (err) => log.error({ component: 'request-log', err: { message: (err as Error)?.message } }, 'request log write or sweep failed'));
  control.start();
  governance.start();
  try {
    await supervisor.start();
  } catch (err) {
    await supervisor.stop(0);
    control.stop();
    await requestLog?.close();
    await agent.stop();
    throw new StartupError(`cannot start: ${(err as Error).message}`);
  }
  log.info({
    host: cfg.host, port: cfg.port, workers: cfg.workers, dataDir, providers: Object.keys(cfg.providers),
    nodeId: agent.nodeId, cluster: agent.networked ? agent.listenAddresses : 'standalone',
    startupMs: Math.round(performance.now() - t0),
  }, `switchyard listening on http://${cfg.host}:${cfg.port}`);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      log.info({ timeoutMs: cfg.shutdownTimeoutMs }, 'shutting down: draining in-flight requests');
      await supervisor.stop(cfg.shutdownTimeoutMs);
      control.stop();
      await requestLog?.close();
      await agent.stop();
      log.info('stopped');
      log.flush();
    })();
    return stopping;
  };
  return { stop };
}

/** Starts the cluster agent: networked with a key (or --cluster-insecure), otherwise a standalone node. */
async function startCluster(cfg: ResolvedConfig, dataDir: string, log: Logger): Promise<ClusterAgent> {
  const c = cfg.cluster;
  let key: Uint8Array | undefined;
  try {
    if (c.key) key = parseClusterKey(c.key);
    else if (c.keyFile) key = parseClusterKey(readFileSync(c.keyFile, 'utf8'));
  } catch (err) {
    throw new StartupError(`invalid cluster key: ${(err as Error).message}`);
  }
  if (!key && !c.insecure && (c.seeds.length || c.seedDns.length)) {
    throw new StartupError('seeds were given but no cluster key: pass --cluster-key/--cluster-key-file (or --cluster-insecure for local development)');
  }
  const httpHost = cfg.host === '0.0.0.0' || cfg.host === '::' ? hostname() : cfg.host;
  const agent = await createClusterAgent({
    dataDir, host: c.host ?? (cfg.host === '::' ? '0.0.0.0' : cfg.host), port: c.port, key, insecure: c.insecure,
    seeds: c.seeds, seedDns: c.seedDns, announce: c.announce,
    node: { version: VERSION, httpAddress: `http://${httpHost}:${cfg.port}` },
    heartbeatMs: c.heartbeatMs, suspectAfterMs: c.suspectAfterMs, deadAfterMs: c.deadAfterMs, syncIntervalMs: c.syncIntervalMs,
    statsBucketMs: cfg.routing.windowBucketMs, statsBuckets: cfg.routing.windowBuckets,
    testHooks: cfg.testHooks,
    log: (level, msg, fields) => log[level]({ component: 'cluster', ...fields }, msg),
  });
  try {
    await agent.start();
  } catch (err) {
    throw new StartupError(`cannot start the cluster agent on port ${c.port}: ${(err as Error).message}`);
  }
  return agent;
}

/**
 * Wires SIGTERM/SIGINT to a graceful stop; a second signal exits at once. Installed before start-up begins:
 * a signal that arrives while the node is still starting stops it as soon as it has started, instead of the
 * default action killing the process with requests already accepted by the first workers.
 */
export function handleSignals(node: Promise<RunningNode>, log: Logger): void {
  let signalled = false;
  const onSignal = (sig: NodeJS.Signals) => {
    if (signalled) {
      log.warn({ signal: sig }, 'second signal: exiting now');
      process.exit(1);
    }
    signalled = true;
    void node.then((n) => n.stop(), () => undefined).then(() => process.exit(0));
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
