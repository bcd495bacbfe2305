/**
 * The attempt loop: try the deployments of the requested model in weighted order, retry what is worth
 * retrying (backoff with jitter, Retry-After honoured), switch keys on 401/403, then walk the fallback
 * chain (a separate chain for context-window and content-policy refusals). A stream fails over only until
 * its first byte reached the client; `run` throws only in that window.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { GatewayError, toGatewayError } from '../core/errors.js';
import type { RequestState } from '../core/request-state.js';
import { AttemptCall } from './attempt-call.js';
import type { CallContext, Provider } from '../providers/index.js';
import { backoffMs, classifyFailure, type FailureInfo } from '../routing/index.js';
import type { DeploymentCatalog, Deployment, Group } from './deployments.js';
import type { Release } from './limiter.js';
import type { RouterState } from './state.js';

export interface Timeouts { totalMs?: number; firstByteMs?: number; streamIdleMs?: number }

export interface ExecuteOptions {
  model: string;
  /** Per-request fallbacks (override the alias chain). */
  fallbacks?: string[];
  timeouts?: Timeouts;
  headers?: Record<string, string>;
  dropParams?: boolean;
  /** The request body (governance estimates its cost before admission). */
  request?: Record<string, unknown>;
}

export type Run = (provider: Provider, model: string, call: CallContext) => Promise<void>;

export interface RouterEvents {
  retry?(d: Deployment): void;
  fallback?(from: string, to: string): void;
  /** Tracing (absent when off): routing begins; one upstream attempt begins (returns its end callback). */
  routeStart?(st: RequestState, model: string): void;
  attempt?(st: RequestState, d: Deployment, provider: Provider, call: CallContext): (err?: GatewayError) => void;
}

const NO_GROUPS: Group[] = Object.freeze([]) as unknown as Group[];

const KIND_BY_CODE: Record<string, FailureInfo['kind']> = {
  upstream_timeout: 'timeout', upstream_connect_timeout: 'timeout', upstream_connection_error: 'connect',
  upstream_stream_truncated: 'reset', upstream_invalid_stream: 'reset', client_closed_request: 'aborted',
};

/** Whether an error says something about the deployment's health (client errors do not). */
function healthFailure(e: GatewayError): boolean {
  return e.status >= 500 || e.status === 429 || e.status === 408 || e.code === 'upstream_timeout' || e.code === 'upstream_connect_timeout';
}

export class Router {
  constructor(readonly catalog: DeploymentCatalog, readonly state: RouterState, private readonly events: RouterEvents = {}) {}

  resolve(model: string): Group {
    return this.catalog.resolve(model);
  }

  /** Fallback names resolved; most requests have none and share one frozen empty list. */
  private resolveAll(names: readonly string[] | undefined): Group[] {
    return names?.length ? names.map((m) => this.catalog.resolve(m)) : NO_GROUPS;
  }

  /** `allow` (governance): null when the caller may use a deployment, else the error that says why not. */
  async execute(st: RequestState, opts: ExecuteOptions, run: Run, allow?: (d: Deployment) => GatewayError | null): Promise<void> {
    const cfg = this.state.cfg;
    this.events.routeStart?.(st, opts.model);
    const primary = this.catalog.resolve(opts.model);
    // Resolve every fallback up front: an unknown name is the client's (or config's) error, before any upstream call.
    let chain = this.resolveAll(opts.fallbacks ?? primary.alias?.fallbacks);
    const special = {
      context_window: this.resolveAll(primary.alias?.contextWindowFallbacks),
      content_policy: this.resolveAll(primary.alias?.contentPolicyFallbacks),
    };
    let lastErr: GatewayError | undefined;
    let attempts = 0;
    let groups: Group[] = [primary, ...chain];
    let denied: GatewayError | undefined;
    const permitted = (deployments: Deployment[]): Deployment[] => {
      if (!allow) return deployments;
      return deployments.filter((d) => {
        const why = allow(d);
        if (why) denied ??= why;
        return !why;
      });
    };
    for (let gi = 0; gi < groups.length; gi++) {
      const group = groups[gi];
      if (gi > 0) this.events.fallback?.(groups[gi - 1].name, group.name);
      const candidates = permitted(group.deployments);
      if (candidates.length === 0) continue;
      // Panic mode (as in Envoy): when every deployment of the last group is behind an open circuit, send
      // to them anyway rather than turn a burst of errors into an outage of everything that depends on them.
      const lastGroup = gi === groups.length - 1;
      let order = this.state.order(candidates, Date.now());
      let panic = false;
      if (order.length === 0) {
        lastErr = new GatewayError({ status: 503, type: 'overloaded_error', code: 'circuit_open', message: `Every deployment of \`${group.name}\` is unavailable (circuit open).`, retryAfter: 1 });
        if (!lastGroup || !cfg.panicWhenAllOpen) continue;
        order = candidates;
        panic = true;
      }
      let prev: Deployment | undefined;
      let retryAfterMs = 0;
      for (let a = 0, tries = 0; tries <= cfg.retries && a < order.length + cfg.retries; a++) {
        const d = order[a % order.length];
        const now = Date.now();
        const admit = panic ? { allowed: true, probe: false } : this.state.admit(d, now);
        if (!admit.allowed && lastGroup && cfg.panicWhenAllOpen && tries === 0 && a >= order.length - 1) {
          // Every deployment refused by its breaker: go round once more in panic mode.
          panic = true;
          a = -1;
          continue;
        }
        if (!admit.allowed) {
          lastErr ??= new GatewayError({ status: 503, type: 'overloaded_error', code: 'circuit_open', message: `Deployment ${d.id} is unavailable (circuit open).`, retryAfter: 1 });
          if (a >= order.length - 1 && tries === 0) break;
          continue;
        }
        const key = this.state.pickKey(d, now);
        if (!key) {
          lastErr = new GatewayError({ status: 503, type: 'overloaded_error', code: 'keys_cooling_down', message: `Every key of ${d.providerName} is cooling down after authentication failures.`, retryAfter: Math.ceil(cfg.keyCooldownMs / 1000), provider: d.providerName });
          this.state.record(d, now, 'neutral', admit.probe, 0);
          continue;
        }
        if (tries > 0) {
          // Backoff only when trying the same deployment again; another deployment is tried at once.
          const wait = d === prev ? Math.max(backoffMs(tries - 1, { baseMs: cfg.backoffBaseMs, maxMs: cfg.backoffMaxMs }, Math.random), retryAfterMs) : 0;
          if (wait > 0) {
            try { await sleep(wait, undefined, { signal: st.signal }); } catch { throw lastErr ?? abortError(); }
          }
          this.events.retry?.(d);
        }
        tries++;
        let release: Release;
        try {
          const r = this.state.limiter(d).acquire(st);
          release = r instanceof Promise ? await r : r;
        } catch (err) {
          lastErr = toGatewayError(err);
          this.state.record(d, Date.now(), 'neutral', admit.probe, 0);
          if (st.isCancelled) throw lastErr;
          continue;
        }
        st.provider = d.providerName;
        st.model = d.model;
        st.deployment = d.keys.length > 1 ? `${d.id}#${key.id}` : d.id;
        st.retries = attempts;
        st.fallbackIndex = gi;
        attempts++;
        prev = d;
        const call = this.call(st, opts, key.provider);
        const traced = this.events.attempt?.(st, d, key.provider, call);
        try {
          await run(key.provider, d.model, call);
          traced?.();
          const end = call.upstreamEnd || performance.now();
          const failedLate = st.error !== undefined && healthFailure(st.error);
          this.state.record(d, Date.now(), failedLate ? 'failure' : 'success', admit.probe, end - call.upstreamStart, st.stream ? end - call.upstreamStart : undefined);
          return;
        } catch (err) {
          const e = toGatewayError(err);
          lastErr = e;
          traced?.(e);
          const latency = (call.upstreamEnd || performance.now()) - (call.upstreamStart || performance.now());
          // The client left, or this node is overloaded: neither says anything about the deployment.
          if (st.isCancelled || e.code === 'client_closed_request' || e.code === 'gateway_overloaded') {
            this.state.record(d, Date.now(), 'neutral', admit.probe, latency);
            throw e;
          }
          const cls = classifyFailure({ status: e.provider || e.status >= 500 ? e.status : undefined, errorCode: e.code ?? e.type, kind: KIND_BY_CODE[e.code ?? ''], body: e.upstreamBody });
          // Errors made by the gateway itself before any upstream call (validation, unsupported params) are final.
          if (!e.provider && cls !== 'retry') throw e;
          this.state.record(d, Date.now(), healthFailure(e) ? 'failure' : 'neutral', admit.probe, latency);
          if (cls === 'fatal') throw e;
          if (cls === 'rotate_key') {
            // Cooling down the only key would just turn every later request into an error of ours.
            if (d.keys.length === 1) throw e;
            this.state.coolDownKey(d, key, Date.now());
            tries--; // switching keys is not a retry of the upstream
            a--; // same deployment, next key
            if (!this.state.pickKey(d, Date.now())) a++;
            continue;
          }
          if (cls === 'context_window' || cls === 'content_policy') {
            const alt = special[cls];
            if (alt.length) {
              groups = [...groups.slice(0, gi + 1), ...alt];
              special[cls] = [];
            }
            break;
          }
          retryAfterMs = e.retryAfter !== undefined ? e.retryAfter * 1000 : 0;
          if (retryAfterMs > cfg.maxRetryAfterMs) {
            // The upstream asks for a longer pause than we wait for ourselves: try elsewhere.
            if (order.length === 1) break;
            retryAfterMs = 0;
          }
        } finally {
          call.dispose?.();
          release();
        }
      }
      chain = groups.slice(gi + 1);
    }
    throw lastErr ?? denied ?? new GatewayError({ status: 502, type: 'upstream_error', code: 'no_deployment', message: 'no deployment could serve the request' });
  }

  private call(st: RequestState, opts: ExecuteOptions, provider: Provider): CallContext {
    const cfg = this.state.cfg;
    const pc = provider.config;
    const t = opts.timeouts ?? {};
    const total = t.totalMs ?? cfg.timeoutMs;
    const call = new AttemptCall(st, {
      headers: opts.headers, dropParams: opts.dropParams, totalMs: total,
      firstByteTimeoutMs: t.firstByteMs ?? pc.firstByteTimeoutMs ?? cfg.firstByteTimeoutMs,
      streamIdleTimeoutMs: t.streamIdleMs ?? pc.streamIdleTimeoutMs ?? cfg.streamIdleTimeoutMs,
    });
    st.droppedParams = call.dropped;
    return call;
  }
}

function abortError(): GatewayError {
  return new GatewayError({ status: 499, type: 'api_error', code: 'client_closed_request', message: 'client closed the request' });
}
