/**
 * Hot reload of providers in a worker. When the governance snapshot brings a new provider overlay (added or
 * replaced through /api/providers on any node), the worker builds instances for what changed, swaps in a
 * new router catalog around the same RouterState (stats, breakers and limiters survive), and closes the
 * replaced instances' connection pools once every request that started before the swap has finished.
 */
import type { ResolvedConfig, ResolvedProvider } from '../config/index.js';
import type { GatewayState } from '../core/pipeline.js';
import type { RequestState } from '../core/request-state.js';
import type { ProviderOverlay } from '../governance/provider-config.js';
import type { Provider } from '../providers/index.js';
import { createProviderInstances, DeploymentCatalog, Router, type Providers, type RouterEvents } from '../router/index.js';

interface Log { info(o: object, msg: string): void; error(o: object, msg: string): void }

export class ProviderReloader {
  private version = '';
  /** Source config per provider name, to tell changed providers from unchanged ones. */
  private readonly sources = new Map<string, string>();
  private generation = 0;
  private readonly inFlight = new Map<number, number>();
  private retired: Array<{ generation: number; providers: Provider[] }> = [];

  constructor(
    private readonly config: ResolvedConfig,
    private current: Providers,
    private readonly gw: GatewayState,
    private readonly events: RouterEvents,
    private readonly log: Log,
  ) {
    for (const [name, p] of Object.entries(config.providers)) this.sources.set(name, JSON.stringify(p));
  }

  /** Every provider instance in use now (closed on shutdown). */
  get instances(): Providers { return this.current; }

  requestStarted(st: RequestState): void {
    st.providerGeneration = this.generation;
    this.inFlight.set(this.generation, (this.inFlight.get(this.generation) ?? 0) + 1);
  }

  requestFinished(st: RequestState): void {
    const g = st.providerGeneration;
    if (g < 0) return;
    st.providerGeneration = -1;
    const n = (this.inFlight.get(g) ?? 1) - 1;
    if (n > 0) this.inFlight.set(g, n);
    else this.inFlight.delete(g);
    if (this.retired.length) this.closeRetired();
  }

  apply(overlay: ProviderOverlay | undefined): void {
    const version = overlay?.version ?? '';
    if (version === this.version) return;
    this.version = version;
    const wanted: Record<string, ResolvedProvider> = { ...this.config.providers, ...(overlay?.entries ?? {}) };
    const keyed = new Map(this.current.keyed);
    const byName = new Map(this.current.byName);
    const dropped: Provider[] = [];
    const changed: string[] = [];
    for (const [name, p] of Object.entries(wanted)) {
      const source = JSON.stringify(p);
      if (this.sources.get(name) === source && keyed.has(name)) continue;
      let built: Providers;
      try {
        built = createProviderInstances({ ...this.config, providers: { [name]: p } });
      } catch (err) {
        this.log.error({ provider: name, error: (err as Error).message }, 'provider from the admin API cannot be built; keeping the previous one');
        continue;
      }
      dropped.push(...(keyed.get(name) ?? []).map((k) => k.provider));
      keyed.set(name, built.keyed.get(name)!);
      byName.set(name, built.byName.get(name)!);
      this.sources.set(name, source);
      changed.push(name);
    }
    for (const name of [...keyed.keys()]) {
      if (wanted[name]) continue;
      dropped.push(...keyed.get(name)!.map((k) => k.provider));
      keyed.delete(name);
      byName.delete(name);
      this.sources.delete(name);
      changed.push(name);
    }
    if (!changed.length) return;
    this.current = { keyed, byName };
    // Same RouterState: per-deployment statistics, circuit breakers and limiters carry over.
    const previous = this.gw.router;
    this.gw.router = new Router(new DeploymentCatalog(keyed, this.config.aliases), previous.state, this.events);
    // Deployments served before keep showing in /api/routing (their provider may be gone: then they drop out).
    for (const d of previous.catalog.all()) try { this.gw.router.resolve(d.id); } catch { /* provider removed */ }
    this.gw.providers = byName;
    if (dropped.length) this.retired.push({ generation: this.generation, providers: dropped });
    this.generation++;
    this.log.info({ providers: changed, version }, 'providers reloaded');
    this.closeRetired();
  }

  /** Closes replaced instances once no request of their generation (or an older one) is still running. */
  private closeRetired(): void {
    const oldestBusy = this.inFlight.size ? Math.min(...this.inFlight.keys()) : Infinity;
    const ready = this.retired.filter((r) => r.generation < oldestBusy);
    if (!ready.length) return;
    this.retired = this.retired.filter((r) => r.generation >= oldestBusy);
    for (const r of ready) for (const p of r.providers) void p.close().catch(() => { /* already closed */ });
  }
}
