/**
 * The load engine: applies one LoadSpec through an undici dispatcher and returns the recorded figures.
 * Runs inside the loadgen child process (see child.ts), but has no process dependencies so tests can
 * drive it directly.
 */
import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import { Exchange, type ExchangeSink } from './exchange.js';
import { Histogram } from './histogram.js';
import type { LoadResult, LoadSpec } from './types.js';

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_INFLIGHT = 20_000;
const EARLY_MS = 1;

export function runLoad(spec: LoadSpec, dispatcher: Dispatcher): Promise<LoadResult> {
  return new Promise((resolve) => {
    validate(spec); // a throw here rejects the promise
    new LoadRun(spec, dispatcher, resolve).start();
  });
}

function validate(spec: LoadSpec): void {
  const m = spec.mode;
  if (m.kind === 'open' && !(m.rps > 0)) throw new Error(`open loop needs rps > 0, got ${m.rps}`);
  if (m.kind === 'closed' && !(Number.isInteger(m.concurrency) && m.concurrency > 0)) throw new Error(`closed loop needs an integer concurrency > 0, got ${m.concurrency}`);
  if (!(spec.durationMs > 0)) throw new Error(`durationMs must be > 0, got ${spec.durationMs}`);
}

class LoadRun implements ExchangeSink {
  private readonly latency = new Histogram();
  private readonly service = new Histogram();
  private readonly ttfb = new Histogram();
  private readonly sendLag = new Histogram();
  private readonly header: Histogram | null;
  private readonly errorsByKind: Record<string, number> = {};
  private sent = 0;
  private ok = 0;
  private errors = 0;
  private totalCompleted = 0;
  private bytes = 0;
  private inflight = 0;
  private scheduling = true;
  private finished = false;

  private t0 = 0;
  private measureStart = 0;
  private end = 0;
  private openIndex = 0;
  private openInterval = 0;
  private closedActive = 0;
  private timer: NodeJS.Timeout | undefined;
  private safety: NodeJS.Timeout | undefined;
  private cpuStart: NodeJS.CpuUsage = process.cpuUsage();

  private readonly options: Dispatcher.DispatchOptions;
  private readonly expectStatus: number;
  private readonly maxInflight: number;
  private readonly timeoutMs: number;
  private readonly warmupMs: number;

  constructor(private readonly spec: LoadSpec, private readonly dispatcher: Dispatcher, private readonly resolve: (r: LoadResult) => void) {
    const t = spec.target;
    this.timeoutMs = spec.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.warmupMs = spec.warmupMs ?? 0;
    this.expectStatus = spec.expectStatus ?? 200;
    this.maxInflight = spec.maxInflight ?? DEFAULT_MAX_INFLIGHT;
    this.header = spec.recordHeader ? new Histogram() : null;
    const headers: Record<string, string> = { ...(t.body !== undefined ? { 'content-type': 'application/json' } : {}), ...t.headers };
    // One options object for every request: undici copies what it needs into its own Request.
    this.options = {
      origin: t.origin, path: t.path, method: t.method ?? (t.body !== undefined ? 'POST' : 'GET'),
      headers, body: t.body ?? null, headersTimeout: this.timeoutMs, bodyTimeout: this.timeoutMs,
    };
  }

  start(): void {
    this.cpuStart = process.cpuUsage();
    this.t0 = performance.now();
    this.measureStart = this.t0 + this.warmupMs;
    this.end = this.measureStart + this.spec.durationMs;
    const mode = this.spec.mode;
    if (mode.kind === 'open') {
      this.openInterval = 1000 / mode.rps;
      this.tick();
    } else {
      this.refill();
    }
  }

  // ---- open loop: fire everything that is due, sleep until the next slot ----
  // Node timers have 1 ms granularity, so a request due within the next EARLY_MS is sent now rather than
  // up to a millisecond late; its latency then counts from the actual send (see fire()). A generator that
  // falls behind (busy, stalled) still sends late, and those requests count from their scheduled time.
  private readonly tick = (): void => {
    const now = performance.now();
    for (;;) {
      const due = this.t0 + this.openIndex * this.openInterval;
      if (due >= this.end) {
        this.scheduling = false;
        this.maybeFinish();
        return;
      }
      if (due > now + EARLY_MS) {
        this.timer = setTimeout(this.tick, due - EARLY_MS - now);
        return;
      }
      this.openIndex++;
      this.fire(due);
    }
  };

  // ---- closed loop: keep `concurrency` requests in flight until the window ends ----
  private readonly refill = (): void => {
    if (this.spec.mode.kind !== 'closed') return;
    const now = performance.now();
    if (now >= this.end) {
      this.scheduling = false;
      this.maybeFinish();
      return;
    }
    while (this.closedActive < this.spec.mode.concurrency) {
      this.closedActive++;
      this.fire(now);
    }
  };

  private fire(scheduledAt: number): void {
    const measured = scheduledAt >= this.measureStart;
    const ex = new Exchange(this, this.spec.recordHeader, measured);
    ex.sentAt = performance.now();
    // Latency counts from the scheduled time, or from the actual send if that was (slightly) earlier.
    ex.scheduledAt = Math.min(scheduledAt, ex.sentAt);
    if (measured) {
      this.sent++;
      if (this.spec.mode.kind === 'open') this.sendLag.record((ex.sentAt - scheduledAt) * 1000);
    }
    if (this.inflight >= this.maxInflight) {
      ex.error = 'loadgen_overflow';
      ex.endAt = ex.sentAt;
      this.inflight++;
      this.done(ex);
      return;
    }
    this.inflight++;
    this.dispatcher.dispatch(this.options, ex);
  }

  done(ex: Exchange): void {
    if (this.finished) return; // a straggler after the safety timeout was already counted as unfinished
    this.inflight--;
    this.totalCompleted++;
    if (ex.measured) this.account(ex);
    if (this.spec.mode.kind === 'closed') {
      this.closedActive--;
      // Not re-entrantly from inside undici's callback: send the next request once the stack unwinds.
      queueMicrotask(this.refill);
    } else {
      this.maybeFinish();
    }
  }

  private account(ex: Exchange): void {
    this.bytes += ex.bytes;
    const kind = ex.error ?? (ex.status === this.expectStatus ? null : `status_${ex.status}`);
    if (kind) {
      this.errors++;
      this.errorsByKind[kind] = (this.errorsByKind[kind] ?? 0) + 1;
      return;
    }
    this.ok++;
    this.latency.record((ex.endAt - ex.scheduledAt) * 1000);
    this.service.record((ex.endAt - ex.sentAt) * 1000);
    this.ttfb.record((ex.firstByteAt - ex.sentAt) * 1000);
    if (this.header && Number.isFinite(ex.headerValue)) this.header.record(ex.headerValue);
  }

  private maybeFinish(): void {
    if (this.finished || this.scheduling) return;
    if (this.inflight === 0) {
      this.finish();
      return;
    }
    // undici's own timeouts end every request; this only guards against a request that never settles.
    this.safety ??= setTimeout(() => this.finish(), this.timeoutMs + 1000);
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.timer);
    clearTimeout(this.safety);
    if (this.inflight > 0) {
      this.errors += this.inflight;
      this.errorsByKind.unfinished = (this.errorsByKind.unfinished ?? 0) + this.inflight;
    }
    const cpu = process.cpuUsage(this.cpuStart);
    this.resolve({
      mode: this.spec.mode,
      durationMs: this.spec.durationMs,
      warmupMs: this.warmupMs,
      sent: this.sent,
      ok: this.ok,
      errors: this.errors,
      errorsByKind: this.errorsByKind,
      achievedRps: Math.round((this.ok / this.spec.durationMs) * 1000 * 10) / 10,
      totalCompleted: this.totalCompleted,
      latency: this.latency.toJSON(),
      service: this.service.toJSON(),
      ttfb: this.ttfb.toJSON(),
      sendLag: this.sendLag.toJSON(),
      header: this.header ? this.header.toJSON() : null,
      bytesReceived: this.bytes,
      loadgenCpuUs: cpu.user + cpu.system,
    });
  }
}
