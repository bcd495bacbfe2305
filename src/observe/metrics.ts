/**
 * Per-worker metrics (prom-client). Each worker owns a registry; the main thread gathers them and serves
 * one exposition per node (aggregate.ts). Label values are bounded: models beyond a configured number of
 * distinct values are reported as "other", so a client cannot blow up cardinality with made-up names.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { HttpContext } from '../http/index.js';

const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
// Overhead is tiny: buckets from 10 µs to 25 ms (in seconds, the Prometheus base unit).
const OVERHEAD_BUCKETS = [10e-6, 25e-6, 50e-6, 100e-6, 150e-6, 250e-6, 500e-6, 1e-3, 2.5e-3, 5e-3, 10e-3, 25e-3];

/** Keeps at most `max` distinct values of a label; the rest become "other". */
export class LabelLimiter {
  private readonly seen = new Set<string>();
  constructor(private readonly max: number) {}
  value(v: string | undefined): string {
    if (!v) return '';
    if (this.seen.has(v)) return v;
    if (this.seen.size >= this.max) return 'other';
    this.seen.add(v);
    return v;
  }
}

export class WorkerMetrics {
  readonly registry = new Registry();
  private readonly models: LabelLimiter;
  private readonly providers: LabelLimiter;

  readonly requests = new Counter({
    name: 'switchyard_requests_total', help: 'Requests handled, by route, provider, model and HTTP status.',
    labelNames: ['route', 'provider', 'model', 'status'], registers: [this.registry],
  });
  readonly upstreamLatency = new Histogram({
    name: 'switchyard_upstream_latency_seconds', help: 'Time waiting for the upstream (whole body, or first event of a stream).',
    labelNames: ['provider', 'model'], buckets: SECONDS_BUCKETS, registers: [this.registry],
  });
  readonly overhead = new Histogram({
    name: 'switchyard_gateway_overhead_seconds', help: 'Time spent inside the gateway per request, upstream time excluded (microsecond-resolution buckets).',
    labelNames: ['route'], buckets: OVERHEAD_BUCKETS, registers: [this.registry],
  });
  readonly ttft = new Histogram({
    name: 'switchyard_time_to_first_token_seconds', help: 'Time from request arrival to the first streamed event sent to the client.',
    labelNames: ['provider', 'model'], buckets: SECONDS_BUCKETS, registers: [this.registry],
  });
  readonly tokens = new Counter({
    name: 'switchyard_tokens_total', help: 'Tokens reported by upstreams, by direction (input, output, cached_input).',
    labelNames: ['provider', 'model', 'direction'], registers: [this.registry],
  });
  readonly inFlight = new Gauge({
    name: 'switchyard_in_flight_requests', help: 'Requests currently being handled.', registers: [this.registry],
  });
  readonly upstreamErrors = new Counter({
    name: 'switchyard_upstream_errors_total', help: 'Failed upstream calls, by provider and error type.',
    labelNames: ['provider', 'type'], registers: [this.registry],
  });

  readonly retries = new Counter({
    name: 'switchyard_retries_total', help: 'Upstream attempts that were retries of a failed attempt.', labelNames: ['provider'], registers: [this.registry],
  });
  readonly fallbacks = new Counter({
    name: 'switchyard_fallbacks_total', help: 'Moves to the next model of a fallback chain.', registers: [this.registry],
  });
  readonly circuitTransitions = new Counter({
    name: 'switchyard_circuit_transitions_total', help: 'Circuit breaker transitions, by deployment and new state.', labelNames: ['deployment', 'to'], registers: [this.registry],
  });

  constructor(maxModelLabels = 200) {
    this.models = new LabelLimiter(maxModelLabels);
    this.providers = new LabelLimiter(256);
  }

  started(): void {
    this.inFlight.inc();
  }

  finished(ctx: HttpContext): void {
    this.inFlight.dec();
    const provider = this.providers.value(ctx.provider);
    const model = this.models.value(ctx.model);
    this.requests.inc({ route: ctx.route, provider, model, status: String(ctx.status) });
    if (ctx.route === 'not_found') return;
    this.overhead.observe({ route: ctx.route }, (ctx.reportedOverheadUs ?? ctx.overheadUs()) / 1e6);
    if (!provider) return;
    if (ctx.upstreamMs > 0) this.upstreamLatency.observe({ provider, model }, ctx.upstreamMs / 1000);
    if (ctx.ttftMs !== undefined) this.ttft.observe({ provider, model }, ctx.ttftMs / 1000);
    const u = ctx.usage;
    if (u) {
      if (u.prompt_tokens) this.tokens.inc({ provider, model, direction: 'input' }, u.prompt_tokens);
      if (u.completion_tokens) this.tokens.inc({ provider, model, direction: 'output' }, u.completion_tokens);
      const cached = u.prompt_tokens_details?.cached_tokens;
      if (cached) this.tokens.inc({ provider, model, direction: 'cached_input' }, cached);
    }
    if (ctx.error?.provider) this.upstreamErrors.inc({ provider, type: ctx.error.type });
  }
}
