/**
 * The control plane on the main thread: it owns the cluster agent, merges the workers' upstream
 * observations into the cluster's statistics, computes the cluster-wide routing view and pushes it to the
 * workers, and answers control calls (cluster status, admin operations) from the workers.
 */
import type { ClusterAgent } from '../../cluster/index.js';
import type { ResolvedConfig } from '../config/index.js';
import { GatewayError } from '../core/errors.js';
import type { Logger } from '../observe/index.js';
import { ClusterRoutingView, STATS_PREFIX, type ClusterRoutingSnapshot, type Observation } from '../router/index.js';
import { BUCKET_VECTOR_LENGTH, DEFAULT_BREAKER_CONFIG, addSample, type BreakerConfig } from '../routing/index.js';
import type { GovernanceService, GovernanceSnapshot, UsageBatch } from '../governance/index.js';
import type { ToWorker } from './messages.js';

const VIEW_TICK_MS = 100;

export type RpcHandler = (args: unknown) => Promise<unknown> | unknown;

export class ControlPlane {
  private readonly view: ClusterRoutingView;
  private snapshot: ClusterRoutingSnapshot = { at: 0, deployments: {} };
  private lastSent = '';
  private timer?: NodeJS.Timeout;
  private readonly rpcs = new Map<string, RpcHandler>();
  private governanceSnapshot?: GovernanceSnapshot;
  governance?: GovernanceService;

  constructor(
    cfg: ResolvedConfig,
    readonly agent: ClusterAgent,
    private readonly broadcast: (m: ToWorker) => void,
    private readonly log: Logger,
  ) {
    const b = Object.fromEntries(Object.entries(cfg.routing.breaker).filter(([, v]) => v !== undefined));
    const breakerCfg: BreakerConfig = { ...DEFAULT_BREAKER_CONFIG, ...b };
    this.view = new ClusterRoutingView(breakerCfg, cfg.routing.windowBucketMs * cfg.routing.windowBuckets);
    this.handle('cluster.status', () => this.status());
    if (cfg.testHooks) {
      // Tests cut this node off from the given peers (gossip and sync) to simulate a network partition.
      this.handle('cluster.partition', (a) => { this.agent.partition(((a ?? {}) as { nodeIds?: string[] }).nodeIds ?? []); return { ok: true }; });
    }
  }

  handle(method: string, fn: RpcHandler): void {
    this.rpcs.set(method, fn);
  }

  start(): void {
    this.timer = setInterval(() => this.tick(), VIEW_TICK_MS);
    this.timer.unref();
    this.agent.onChange((kind) => { if (kind === 'stats' || kind === 'members') this.tick(); });
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Adds a batch of worker observations to this node's share of the cluster statistics. */
  onObservations(items: Observation[]): void {
    const byDeployment = new Map<string, Float64Array>();
    for (const [id, ok, latencyMs, ttftMs] of items) {
      let v = byDeployment.get(id);
      if (!v) { v = new Float64Array(BUCKET_VECTOR_LENGTH); byDeployment.set(id, v); }
      addSample(v, 0, { ok: ok === 1, latencyMs, ttftMs: ttftMs >= 0 ? ttftMs : undefined });
    }
    const now = Date.now();
    for (const [id, v] of byDeployment) this.agent.recordStats(STATS_PREFIX + id, v, now);
    this.tick();
  }

  private aliveMembers(): string[] {
    return this.agent.members().filter((m) => m.state === 'alive').map((m) => m.nodeId);
  }

  /** Recomputes the cluster routing view; sends it to the workers when it changed. */
  tick(): void {
    const now = Date.now();
    const snap = this.view.update(this.agent, now, this.agent.nodeId, this.aliveMembers());
    const text = JSON.stringify(snap.deployments);
    if (text === this.lastSent) return;
    for (const [id, d] of Object.entries(snap.deployments)) {
      const prev = this.snapshot.deployments[id];
      if (prev && prev.status !== d.status) this.log.warn({ deployment: id, from: prev.status, to: d.status }, 'cluster circuit transition');
    }
    this.lastSent = text;
    this.snapshot = snap;
    this.broadcast({ type: 'cluster-view', snapshot: snap });
  }

  welcome(): ToWorker[] {
    const out: ToWorker[] = [{ type: 'cluster-view', snapshot: this.snapshot }];
    if (this.governanceSnapshot) out.push({ type: 'governance', snapshot: this.governanceSnapshot });
    return out;
  }

  /** The latest cluster routing view and governance snapshot (read by the metrics at scrape time). */
  routingView(): ClusterRoutingSnapshot { return this.snapshot; }
  governanceView(): GovernanceSnapshot | undefined { return this.governanceSnapshot; }

  publishGovernance(snapshot: GovernanceSnapshot): void {
    this.governanceSnapshot = snapshot;
    this.broadcast({ type: 'governance', snapshot });
  }

  onUsage(batch: UsageBatch): void {
    this.governance?.onUsage(batch);
  }

  async onRpc(method: string, args: unknown): Promise<unknown> {
    const fn = this.rpcs.get(method);
    if (!fn) throw new GatewayError({ status: 404, type: 'not_found_error', message: `unknown control call ${method}` });
    return fn(args);
  }

  status() {
    const now = Date.now();
    return {
      node_id: this.agent.nodeId,
      networked: this.agent.networked,
      listen_addresses: this.agent.listenAddresses,
      members: this.agent.members().map((m) => ({
        node_id: m.nodeId, self: m.self, state: m.state, http_address: m.httpAddress, addresses: m.addresses, version: m.version,
        last_heartbeat: m.lastHeartbeat ? new Date(m.lastHeartbeat).toISOString() : null, last_heartbeat_ms_ago: m.lastHeartbeat ? now - m.lastHeartbeat : null,
        gossip_lag_ms: m.lagMs, load: m.load,
      })),
      routing: Object.fromEntries(Object.entries(this.snapshot.deployments).map(([id, d]) => [id, {
        circuit: d.status, since: d.since || null, open_until: d.status === 'open' ? d.openUntil : null, prober: d.prober,
        requests: d.totals[0] ?? 0, errors: d.totals[1] ?? 0,
      }])),
      metrics: this.agent.metrics(),
    };
  }
}
