/**
 * Per-worker metrics in a prom-client registry (the per-request series through fast-series.ts). Each worker
 * owns a registry; the main thread gathers them and serves one exposition per node (aggregate.ts). Label values are bounded (labels.ts): models, deployments, keys
 * and teams beyond a configured number of distinct values are reported as "other", so a client cannot blow
 * up cardinality with made-up names.
 */
import { performance } from 'node:perf_hooks';
import { Counter, Gauge, Registry } from 'prom-client';
import type { RequestState } from '../core/request-state.js';
import type { HttpContext } from '../http/index.js';
import { DEFAULT_MAX_LABEL_VALUES, LabelLimiter, statusClass } from './labels.js';
import { FastCounter, FastHistogram } from './fast-series.js';
import { registerDeploymentGauges, type DeploymentGaugeSource } from './routing-gauges.js';
import { registerUpstreamGauges, type UpstreamGaugeSource } from './upstream-gauges.js';

const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
// A whole request can be a sub-millisecond error answer or a minutes-long stream.
const DURATION_BUCKETS = [0.001, 0.0025, ...SECONDS_BUCKETS, 300];
// Gaps between streamed batches: from a millisecond (tokens arriving back to back) to a stalled upstream.
const GAP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
// Overhead is tiny: buckets from 10 µs to 25 ms (in seconds, the Prometheus base unit).
const OVERHEAD_BUCKETS = [10e-6, 25e-6, 50e-6, 100e-6, 150e-6, 250e-6, 500e-6, 1e-3, 2.5e-3, 5e-3, 10e-3, 25e-3];

export interface WorkerMetricsOptions {
  /** Distinct values kept per bounded label (model, deployment, key, team); default 200. */
  maxLabelValues?: number;
  /** Also count tokens and cost per virtual key and team (off by default: one series per key). */
  perKeyLabels?: boolean;
}

export class WorkerMetrics {
  readonly registry = new Registry();
  private readonly models: LabelLimiter;
  private readonly providers = new LabelLimiter(256);
  private readonly deployments: LabelLimiter;
  private readonly keys?: LabelLimiter;
  private readonly teams?: LabelLimiter;
  private routing: DeploymentGaugeSource = () => [];
  private upstreams: UpstreamGaugeSource = () => [];

  // Series updated by every request (or streamed batch) are FastCounter/FastHistogram (fast-series.ts);
  // the rare ones stay prom-client's own.
  private readonly requests = new FastCounter('switchyard_requests_total', 'Requests handled, by route, provider, model and HTTP status.',
    ['route', 'provider', 'model', 'status'], this.registry);
  private readonly upstreamLatency = new FastHistogram('switchyard_upstream_latency_seconds', 'Time waiting for the upstream (whole body, or first event of a stream).',
    ['provider', 'model'], SECONDS_BUCKETS, this.registry);
  private readonly overhead = new FastHistogram('switchyard_gateway_overhead_seconds', 'Time spent inside the gateway per request, upstream time excluded (microsecond-resolution buckets).',
    ['route'], OVERHEAD_BUCKETS, this.registry);
  private readonly ttft = new FastHistogram('switchyard_time_to_first_token_seconds', 'Time from request arrival to the first streamed event sent to the client.',
    ['provider', 'model'], SECONDS_BUCKETS, this.registry);
  private readonly tokens = new FastCounter('switchyard_tokens_total', 'Tokens reported by upstreams, by direction (input, output, cached_input).',
    ['provider', 'model', 'direction'], this.registry);
  /** Read by the gauge at scrape time: counting it is two increments per request, not two gauge updates. */
  private inFlightNow = 0;
  private readonly inFlight: Gauge = new Gauge({
    name: 'switchyard_in_flight_requests', help: 'Requests currently being handled.', registers: [this.registry],
    collect: (): void => this.inFlight.set(this.inFlightNow),
  });
  private readonly upstreamErrors = new FastCounter('switchyard_upstream_errors_total', 'Failed upstream calls, by provider and error type.',
    ['provider', 'type'], this.registry);

  readonly retries = new Counter({
    name: 'switchyard_retries_total', help: 'Upstream attempts that were retries of a failed attempt.', labelNames: ['provider'], registers: [this.registry],
  });
  readonly fallbacks = new Counter({
    name: 'switchyard_fallbacks_total', help: 'Moves to the next model of a fallback chain.', registers: [this.registry],
  });
  readonly circuitTransitions = new Counter({
    name: 'switchyard_circuit_transitions_total', help: 'Circuit breaker transitions, by deployment and new state.', labelNames: ['deployment', 'to'], registers: [this.registry],
  });

  private readonly requestDuration = new FastHistogram('switchyard_request_duration_seconds', 'Whole HTTP request, arrival to last byte (streams included), by route and status class.',
    ['route', 'status_class'], DURATION_BUCKETS, this.registry);
  private readonly interTokenLatency = new FastHistogram('switchyard_inter_token_latency_seconds', 'Gaps between consecutive streamed batches sent to the client (after the first).',
    ['provider', 'model'], GAP_BUCKETS, this.registry);
  private readonly cost = new FastCounter('switchyard_cost_usd_total', 'Cost of served requests in USD as priced at settlement (configured prices, then the bundled table).',
    ['provider', 'model'], this.registry);
  /** Present only with observability.metrics.per_key_labels. */
  private readonly keyTokens?: FastCounter;
  private readonly keyCost?: FastCounter;

  constructor(opts: WorkerMetricsOptions = {}) {
    const max = opts.maxLabelValues ?? DEFAULT_MAX_LABEL_VALUES;
    this.models = new LabelLimiter(max);
    this.deployments = new LabelLimiter(max);
    registerDeploymentGauges(this.registry, this.deployments, () => this.routing());
    registerUpstreamGauges(this.registry, () => this.upstreams());
    if (opts.perKeyLabels) {
      this.keys = new LabelLimiter(max);
      this.teams = new LabelLimiter(max);
      this.keyTokens = new FastCounter('switchyard_key_tokens_total', 'Tokens by virtual key id, its team id and direction (input, output).',
        ['key', 'team', 'direction'], this.registry);
      this.keyCost = new FastCounter('switchyard_key_cost_usd_total', 'Cost in USD by virtual key id and its team id.', ['key', 'team'], this.registry);
    }
  }

  /** Where the circuit-state and effective-weight gauges read the router's view at scrape time. */
  trackRouting(source: DeploymentGaugeSource): void {
    this.routing = source;
  }

  /** Where the upstream connection gauges read the providers' connections at scrape time. */
  trackUpstreams(source: UpstreamGaugeSource): void {
    this.upstreams = source;
  }

  /** A circuit breaker transition (deployment label bounded like the gauges). */
  circuitTransition(deployment: string, to: string): void {
    this.circuitTransitions.inc({ deployment: this.deployments.value(deployment), to });
  }

  started(): void {
    this.inFlightNow++;
  }

  finished(ctx: HttpContext): void {
    // Read first: the request's duration ends here, not after this method's own bookkeeping.
    const seconds = (performance.now() - ctx.start) / 1000;
    this.inFlightNow--;
    const provider = this.providers.value(ctx.provider);
    const model = this.models.value(ctx.model);
    this.requests.inc([ctx.route, provider, model, String(ctx.status)]);
    this.requestDuration.observe([ctx.route, statusClass(ctx.status)], seconds);
    if (ctx.route === 'not_found') return;
    this.overhead.observe([ctx.route], (ctx.reportedOverheadUs ?? ctx.overheadUs()) / 1e6);
    if (!provider) return;
    if (ctx.upstreamMs > 0) this.upstreamLatency.observe([provider, model], ctx.upstreamMs / 1000);
    if (ctx.ttftMs !== undefined) this.ttft.observe([provider, model], ctx.ttftMs / 1000);
    const u = ctx.usage;
    if (u) {
      if (u.prompt_tokens) this.tokens.inc([provider, model, 'input'], u.prompt_tokens);
      if (u.completion_tokens) this.tokens.inc([provider, model, 'output'], u.completion_tokens);
      const cached = u.prompt_tokens_details?.cached_tokens;
      if (cached) this.tokens.inc([provider, model, 'cached_input'], cached);
    }
    if (ctx.error?.provider) this.upstreamErrors.inc([provider, ctx.error.type]);
  }

  /** The gap between two streamed batches of one request (called by the pipeline per batch after the first). */
  streamGap(st: RequestState, gapMs: number): void {
    this.interTokenLatency.observe([this.providers.value(st.provider), this.models.value(st.model)], gapMs / 1000);
  }

  /** After governance priced the request (st.costUsd): cost, and per-key tokens and cost when enabled. */
  settled(st: RequestState): void {
    if (!st.provider || st.costUsd === undefined || !(st.costUsd >= 0)) return;
    this.cost.inc([this.providers.value(st.provider), this.models.value(st.model)], st.costUsd);
    const p = st.principal;
    if (!this.keyTokens || !this.keyCost || !p) return;
    const key = this.keys!.value(p.keyId);
    const team = this.teams!.value(p.teamId);
    this.keyCost.inc([key, team], st.costUsd);
    const u = st.usage;
    if (u?.prompt_tokens) this.keyTokens.inc([key, team, 'input'], u.prompt_tokens);
    if (u?.completion_tokens) this.keyTokens.inc([key, team, 'output'], u.completion_tokens);
  }
}
