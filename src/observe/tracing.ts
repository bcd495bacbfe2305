/**
 * OpenTelemetry tracing for the data plane, off unless an OTLP endpoint is configured. When off, nothing
 * of the SDK is even loaded (createTracing returns undefined and callers skip every hook).
 *
 * Spans per request: a SERVER span for the HTTP exchange (parented on the client's W3C traceparent), an
 * INTERNAL `route` span covering deployment choice, retries and fallbacks, one CLIENT span per upstream
 * attempt (GenAI semantic conventions; its context goes upstream as traceparent), and for streams a
 * `stream` span from the first token to the end. Spans are exported from the worker in batches over
 * OTLP/HTTP (JSON).
 */
import { hostname } from 'node:os';
import type { Context, Span, Tracer } from '@opentelemetry/api';
import type { RequestState } from '../core/request-state.js';
import type { CallContext, Provider } from '../providers/index.js';

export interface TracingConfig {
  endpoint: string;
  sampleRatio: number;
  serviceName: string;
  exportDelayMs: number;
}

/** A deployment as the router knows it (structural, so observe/ does not depend on router/). */
export interface AttemptTarget { id: string; providerName: string; model: string }

export type AttemptEnd = (err?: { type: string; code: string | null; status: number }) => void;

export interface RequestTracing {
  /** The HTTP exchange begins (route matched). `traceparent`/`tracestate` as the client sent them. */
  begin(st: RequestState, method: string, pattern: string, traceparent: string, tracestate?: string): void;
  /** Routing starts for the requested model. */
  route(st: RequestState, model: string): void;
  /** One upstream attempt; adds traceparent to the call's upstream headers. Call the result when it ends. */
  attempt(st: RequestState, d: AttemptTarget, provider: Provider, call: CallContext): AttemptEnd;
  /** The response is complete. */
  finish(st: RequestState): void;
  /** Exports what is buffered; call before the worker exits. */
  shutdown(): Promise<void>;
}

const OPERATION: Record<string, string> = { chat: 'chat', completions: 'text_completion', embeddings: 'embeddings', messages: 'chat' };

interface Live { ctx: Context; span: Span; route?: Span; routeCtx?: Context; attempts: number }

const epochMs = (perfMs: number) => performance.timeOrigin + perfMs;

export async function createTracing(cfg: TracingConfig | undefined, attributes: Record<string, string | number> = {}): Promise<RequestTracing | undefined> {
  if (!cfg) return undefined;
  const api = await import('@opentelemetry/api');
  const { W3CTraceContextPropagator } = await import('@opentelemetry/core');
  const { BasicTracerProvider, BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler } = await import('@opentelemetry/sdk-trace-base');
  const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
  const { resourceFromAttributes } = await import('@opentelemetry/resources');
  const { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } = await import('@opentelemetry/semantic-conventions');

  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: cfg.serviceName, 'host.name': hostname(), 'process.pid': process.pid, ...attributes, [ATTR_SERVICE_VERSION]: String(attributes['service.version'] ?? '') }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(cfg.sampleRatio) }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${cfg.endpoint}/v1/traces` }), { scheduledDelayMillis: cfg.exportDelayMs })],
  });
  const tracer: Tracer = provider.getTracer('switchyard');
  const propagator = new W3CTraceContextPropagator();
  const { SpanKind, SpanStatusCode, ROOT_CONTEXT, trace, defaultTextMapGetter, defaultTextMapSetter } = api;
  const live = new WeakMap<RequestState, Live>();

  function open(st: RequestState, name: string, parent: Context, attrs: Record<string, string | number | boolean>): Live {
    const span = tracer.startSpan(name, { kind: SpanKind.SERVER, startTime: epochMs(st.start), attributes: { 'switchyard.request_id': st.requestId, ...attrs } }, parent);
    const l: Live = { ctx: trace.setSpan(parent, span), span, attempts: 0 };
    live.set(st, l);
    return l;
  }

  return {
    begin(st, method, pattern, traceparent, tracestate) {
      const carrier: Record<string, string> = {};
      if (traceparent) carrier.traceparent = traceparent;
      if (tracestate) carrier.tracestate = tracestate;
      const parent = traceparent ? propagator.extract(ROOT_CONTEXT, carrier, defaultTextMapGetter) : ROOT_CONTEXT;
      const m = method === 'del' ? 'DELETE' : method.toUpperCase();
      open(st, `${m} ${pattern}`, parent, { 'http.request.method': m, 'http.route': pattern });
    },

    route(st, model) {
      const l = live.get(st) ?? open(st, st.route, ROOT_CONTEXT, {});
      if (l.route) return;
      l.route = tracer.startSpan('route', { kind: SpanKind.INTERNAL, attributes: { 'gen_ai.request.model': model } }, l.ctx);
      l.routeCtx = trace.setSpan(l.ctx, l.route);
      l.span.setAttribute('gen_ai.request.model', model);
    },

    attempt(st, d, p, call) {
      const l = live.get(st) ?? open(st, st.route, ROOT_CONTEXT, {});
      const op = OPERATION[st.route] ?? st.route;
      const n = l.attempts++;
      let server: string | undefined;
      try { server = p.config.baseUrl ? new URL(p.config.baseUrl).hostname : undefined; } catch { /* mock providers */ }
      const span = tracer.startSpan(`${op} ${d.model}`, {
        kind: SpanKind.CLIENT,
        attributes: {
          'gen_ai.operation.name': op, 'gen_ai.system': p.config.kind, 'gen_ai.provider.name': p.config.kind, 'gen_ai.request.model': d.model,
          'switchyard.provider': d.providerName, 'switchyard.deployment': d.id, 'switchyard.attempt': n,
          'switchyard.fallback_index': st.fallbackIndex ?? 0, ...(server ? { 'server.address': server } : {}),
        },
      }, l.routeCtx ?? l.ctx);
      const headers: Record<string, string> = { ...call.headers };
      propagator.inject(trace.setSpan(ROOT_CONTEXT, span), headers, defaultTextMapSetter);
      call.headers = headers;
      return (err) => {
        if (st.stream && st.ttftMs !== undefined && !err) {
          const s = tracer.startSpan('stream', { kind: SpanKind.INTERNAL, startTime: epochMs(st.start + st.ttftMs), attributes: { 'gen_ai.server.time_to_first_token': st.ttftMs / 1000 } }, trace.setSpan(ROOT_CONTEXT, span));
          if (st.error) s.setStatus({ code: SpanStatusCode.ERROR, message: st.error.message });
          s.end();
        }
        usage(span, st);
        const e = err ?? st.error;
        if (e) {
          span.setAttribute('error.type', e.code ?? e.type);
          span.setStatus({ code: SpanStatusCode.ERROR, message: e.type });
        }
        span.end();
      };
    },

    finish(st) {
      const l = live.get(st);
      if (!l) return;
      live.delete(st);
      l.route?.end();
      const span = l.span;
      span.setAttribute('http.response.status_code', st.status);
      if (st.provider) span.setAttribute('switchyard.provider', st.provider);
      if (st.deployment) span.setAttribute('switchyard.deployment', st.deployment);
      span.setAttribute('switchyard.retries', st.retries ?? 0);
      span.setAttribute('switchyard.overhead_us', st.reportedOverheadUs ?? st.overheadUs());
      if (st.ttftMs !== undefined) span.setAttribute('gen_ai.server.time_to_first_token', st.ttftMs / 1000);
      usage(span, st);
      if (st.status >= 500 || st.error) {
        span.setAttribute('error.type', st.error?.code ?? st.error?.type ?? String(st.status));
        if (st.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      }
      span.end();
    },

    shutdown: () => provider.shutdown(),
  };
}

function usage(span: Span, st: RequestState): void {
  if (st.model) span.setAttribute('gen_ai.response.model', st.model);
  const u = st.usage;
  if (!u) return;
  span.setAttribute('gen_ai.usage.input_tokens', u.prompt_tokens);
  span.setAttribute('gen_ai.usage.output_tokens', u.completion_tokens);
}
