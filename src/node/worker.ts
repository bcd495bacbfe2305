/**
 * Worker thread entry: one uWS App on the shared port (SO_REUSEPORT), serving the data plane from an
 * immutable snapshot of the config. It never waits on the main thread in the request path.
 */
import { parentPort, threadId, workerData } from 'node:worker_threads';
import { adminRoutes, providerRoutes } from '../admin/index.js';
import { ingressRoutes, openaiDialect, PREFIX_DIALECTS } from '../api/index.js';
import { openFilesLimit } from '../core/descriptors.js';
import { GatewayError } from '../core/errors.js';
import { observeStreamGaps, type GatewayState } from '../core/pipeline.js';
import { DataPlane, nodeInFlightCap, type HttpContext } from '../http/index.js';
import { createLogger, createTracing, observeRoutes, RequestLogQueue, settleLogEntry, shouldLog, toLogEntry, WorkerMetrics } from '../observe/index.js';
import type { RequestState } from '../core/request-state.js';
import type { WorkerLogEntry } from '../store/index.js';
import { Enforcer, NodeInFlight, Pricer } from '../governance/index.js';
import { createProviderInstances, createRouter, type RouterEvents } from '../router/index.js';
import { ProviderReloader } from './provider-reload.js';
import type { FromWorker, ToWorker, WorkerData } from './messages.js';
import { systemRoutes } from './system-routes.js';

const { config, index, concurrency } = workerData as WorkerData;
// Test hook: a worker that cannot load must fail the node's start-up with its error (not hang it).
if (config.testHooks && process.env.SWITCHYARD_TEST_WORKER_LOAD_ERROR) throw new Error(process.env.SWITCHYARD_TEST_WORKER_LOAD_ERROR);
const port = parentPort!;
const send = (m: FromWorker) => port.postMessage(m);
const log = createLogger(config.logLevel, { worker: index, thread: threadId });
const metricsCfg = config.observability?.metrics;
const metrics = new WorkerMetrics({ maxLabelValues: metricsCfg?.maxLabelValues, perKeyLabels: metricsCfg?.perKeyLabels });
observeStreamGaps((st, gapMs) => metrics.streamGap(st, gapMs));
const instances = createProviderInstances(config);
const providers = instances.byName;
// Tracing is off unless configured; when off the SDK is never loaded and the router gets no trace hooks.
const tracing = await createTracing(config.observability?.otel, { 'switchyard.worker': index });
const routerEvents: RouterEvents = {
  retry: (d) => metrics.retries.inc({ provider: d.providerName }),
  fallback: () => metrics.fallbacks.inc(),
  ...(tracing ? { routeStart: tracing.route, attempt: tracing.attempt } : {}),
};
const router = createRouter(config, instances, routerEvents);
router.state.onTransition = (t) => {
  metrics.circuitTransition(t.deployment, t.to);
  log.warn({ deployment: t.deployment, from: t.from, to: t.to, reason: t.reason }, 'circuit breaker transition');
};
// Governance enforces against the control plane's snapshot; prices: config overrides, then the bundled table.
let pricer = new Pricer(config.pricing);
let pricingRef: unknown = config.pricing;
/** Queued log entries by request, so settlement can add the cost (entries are flushed every 100 ms). */
const logEntries = new WeakMap<RequestState, WorkerLogEntry>();
const enforcer = new Enforcer(index, (provider, model, usage, overrides) => {
  if (overrides !== pricingRef) { pricer = new Pricer(overrides); pricingRef = overrides; }
  return pricer.costOf(provider, model, usage).usd;
}, concurrency);
const gw: GatewayState = {
  providers, aliases: config.aliases, router, dropParams: config.dropParams, governance: enforcer,
  onSettled: (st) => { metrics.settled(st); settleLogEntry(logEntries.get(st), st); },
};
// Circuit state and effective weight per deployment, as /api/routing reports them, read at scrape time
// (through gw.router: a provider reload swaps in a new catalog around the same state).
metrics.trackRouting(() => gw.router.state.snapshot(gw.router.catalog.all(), Date.now())
  .map((d) => ({ id: d.id, circuit: d.circuit.state, effectiveWeight: d.effective_weight })));
metrics.trackUpstreams(function* () {
  for (const [provider, p] of gw.providers) {
    const c = p.connections?.();
    if (c) yield { provider, ...c };
  }
});

let draining = false;
/** Set by the main thread once every worker listens (a half-started node is not ready). */
let nodeReady = false;
/** Above this many requests in flight on the whole node, new model calls get 503 (keeps upstream connects within the fd limit). */
const inFlightCap = nodeInFlightCap(config.maxInFlight, openFilesLimit());
const nodeInFlight = new NodeInFlight(concurrency, index);
const MODEL_ROUTES = new Set(['chat', 'completions', 'embeddings', 'anthropic_messages', 'anthropic_count_tokens', 'bedrock_converse', 'cohere_chat', 'genai']);
let scrapeSeq = 0;
const scrapes = new Map<number, (r: { text: string; ok: boolean }) => void>();
let rpcSeq = 0;
const rpcs = new Map<number, (r: Extract<ToWorker, { type: 'rpc-result' }>) => void>();

/** Asks the main thread (control plane); never used on the request hot path. */
function control(method: string, args?: unknown): Promise<unknown> {
  const id = ++rpcSeq;
  return new Promise((resolve, reject) => {
    rpcs.set(id, (r) => (r.ok ? resolve(r.value) : reject(new GatewayError({ status: r.error?.status ?? 500, type: r.error?.type ?? 'api_error', code: r.error?.code ?? null, param: r.error?.param ?? null, message: r.error?.message ?? 'control plane error' }))));
    send({ type: 'rpc', id, method, args });
  });
}

// Upstream observations go to the main thread in batches, which merges them cluster-wide.
const OBS_FLUSH_MS = 50;
function flushOutboxes(): void {
  const items = router.state.outbox;
  if (items.length) {
    router.state.outbox = [];
    send({ type: 'obs', items });
  }
  const usage = enforcer.drain();
  if (usage) send({ type: 'usage', batch: usage });
}
setInterval(flushOutboxes, OBS_FLUSH_MS).unref();

function scrape(): Promise<string> {
  const id = ++scrapeSeq;
  return new Promise((resolve, reject) => {
    scrapes.set(id, (r) => (r.ok ? resolve(r.text) : reject(new Error(r.text))));
    send({ type: 'scrape', id });
  });
}

// Request log: entries are queued here and sent to the main thread in batches (it writes them to lmdb).
const logCfg = config.observability?.requestLog;
const requestLog = logCfg?.enabled === false ? undefined : new RequestLogQueue(
  (batch) => { control('logs.append', batch).catch(() => { /* the main thread logs its own write errors */ }); },
  { maxEntries: logCfg?.queueSize ?? 10_000, flushMs: logCfg?.flushMs ?? 100, registry: metrics.registry },
);
const bodyCapture = requestLog && logCfg?.bodies ? { maxBytes: logCfg.maxBodyBytes, bodies: new WeakMap<RequestState, string>() } : undefined;

// Providers added or replaced through /api/providers arrive with the governance snapshot and apply without a restart.
const reloader = new ProviderReloader(config, instances, gw, routerEvents, log);

function onFinish(ctx: HttpContext): void {
  nodeInFlight.ended();
  reloader.requestFinished(ctx);
  metrics.finished(ctx);
  tracing?.finish(ctx);
  if (requestLog && shouldLog(ctx.route)) {
    const entry = toLogEntry(ctx, performance.now(), bodyCapture?.bodies.get(ctx));
    logEntries.set(ctx, entry);
    requestLog.push(entry);
  }
  // The per-request line is at info level; below it (the default for benchmarks, `warn`) nothing is built.
  if (!ctx.internalError && ctx.status < 500 && !log.isLevelEnabled('info')) return;
  const u = ctx.usage;
  const fields = {
    reqId: ctx.requestId, route: ctx.route, status: ctx.status, provider: ctx.provider, model: ctx.model, stream: ctx.stream || undefined,
    ms: Math.round((performance.now() - ctx.start) * 100) / 100, overheadUs: ctx.reportedOverheadUs ?? ctx.overheadUs(),
    upstreamMs: ctx.upstreamMs ? Math.round(ctx.upstreamMs * 100) / 100 : undefined,
    ttftMs: ctx.ttftMs !== undefined ? Math.round(ctx.ttftMs * 100) / 100 : undefined,
    tokensIn: u?.prompt_tokens, tokensOut: u?.completion_tokens,
    error: ctx.error ? { type: ctx.error.type, code: ctx.error.code, message: ctx.error.message } : undefined,
  };
  if (ctx.internalError) log.error({ ...fields, internal: String((ctx.internalError as Error)?.stack ?? ctx.internalError) }, 'request failed inside the gateway');
  else if (ctx.status >= 500) log.warn(fields, 'request');
  else log.info(fields, 'request');
}

const plane = new DataPlane(
  [
    ...observeRoutes(ingressRoutes(gw), tracing, bodyCapture),
    ...adminRoutes(gw, control, { isDraining: () => draining, snapshot: () => enforcer.snapshot }),
    ...providerRoutes(() => enforcer.snapshot, control, config.providers),
    ...systemRoutes({ isReady: () => nodeReady && !draining, scrape, testHooks: config.testHooks, control }),
  ],
  {
    bodyLimitBytes: config.bodyLimitBytes,
    defaultDialect: openaiDialect,
    prefixDialects: PREFIX_DIALECTS,
    hooks: { onFinish, isDraining: () => draining },
    onRequestStart: (ctx) => { nodeInFlight.started(); reloader.requestStarted(ctx); metrics.started(); },
    shed: (route) => inFlightCap !== undefined && MODEL_ROUTES.has(route.name) && nodeInFlight.total() > inFlightCap,
  },
);

async function drain(timeoutMs: number): Promise<void> {
  if (draining) return;
  draining = true;
  plane.stopListening();
  const deadline = Date.now() + timeoutMs;
  while (nodeInFlight.mine() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  // Let the last responses leave uWS's buffers before the sockets are closed.
  await new Promise((r) => setTimeout(r, 200));
  const leftOver = nodeInFlight.mine();
  // Requests past the deadline are cut off now, not after the upstream connections close: closing the server
  // aborts them (their upstream calls are cancelled, so the pools below close at once), and the supervisor
  // would otherwise give up on this thread while it still holds uWS sockets, which aborts the whole process.
  plane.close();
  // The cut-off requests settle on the next turns of the loop (status 499, usage so far).
  if (leftOver > 0) await new Promise((r) => setTimeout(r, 50));
  // Spend, rate and routing observations of the last requests must reach the control plane before exit.
  flushOutboxes();
  send({ type: 'drained', inFlight: leftOver });
  requestLog?.stop();
  // Bounded: an upstream that never answers must not hold the node's exit past the supervisor's grace period.
  await settleWithin(CLOSE_GRACE_MS, Promise.allSettled([...reloader.instances.keyed.values()].flat().map((k) => k.provider.close())));
  await settleWithin(CLOSE_GRACE_MS, tracing?.shutdown().catch(() => { /* the collector is gone; spans are lost, the node still stops */ }));
  log.flush();
  process.exit(0);
}

/** What the worker gives each of its closing steps after the drain (the supervisor waits 2 s past the drain). */
const CLOSE_GRACE_MS = 600;
function settleWithin(ms: number, p: Promise<unknown> | undefined): Promise<unknown> {
  if (!p) return Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise((r) => { timer = setTimeout(r, ms); })]).finally(() => clearTimeout(timer));
}

/** Accepts connections once the supervisor says so: after it sent the snapshots this worker needs first. */
function listen(): void {
  plane.listen(config.host, config.port).then(
    () => send({ type: 'listening' }),
    (err: Error) => send({ type: 'listen-failed', error: err.message }),
  );
}

port.on('message', (m: ToWorker) => {
  switch (m.type) {
    case 'listen': listen(); break;
    case 'drain': void drain(m.timeoutMs); break;
    case 'collect':
      void metrics.registry.getMetricsAsJSON().then((data) => send({ type: 'metrics', id: m.id, data }));
      break;
    case 'node-ready':
      nodeReady = true;
      break;
    case 'governance':
      enforcer.apply(m.snapshot);
      reloader.apply(m.snapshot.providers);
      break;
    case 'cluster-view':
      router.state.applyCluster(m.snapshot);
      break;
    case 'rpc-result': {
      const r = rpcs.get(m.id);
      rpcs.delete(m.id);
      r?.(m);
      break;
    }
    case 'scrape-result': {
      const r = scrapes.get(m.id);
      scrapes.delete(m.id);
      r?.(m);
      break;
    }
  }
});

/**
 * A thread that dies with open uWS sockets aborts the whole process (Node asserts on a loop closed with
 * open handles). So an error that escaped every request handler closes the server first and only then
 * ends the thread; the main thread restarts it.
 */
let dying = false;
function die(kind: string, err: unknown): void {
  if (dying) return;
  dying = true;
  log.fatal({ kind, error: { message: (err as Error)?.message, stack: (err as Error)?.stack } }, 'worker failing: closing its sockets and exiting');
  draining = true;
  plane.close();
  log.flush();
  setTimeout(() => process.exit(1), 10);
}
process.on('uncaughtException', (err) => die('uncaughtException', err));
process.on('unhandledRejection', (err) => die('unhandledRejection', err));
