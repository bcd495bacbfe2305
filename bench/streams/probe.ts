/**
 * A streaming client for benchmarks: `concurrency` clients each open an SSE stream, read it to the end and
 * open the next, until the time is up. Records time to first event (TTFT), every gap between consecutive
 * events (inter-chunk jitter) and total stream time, and optionally checks that a streamed tool call
 * reassembles exactly. Runs in the orchestrating process, which does nothing else while it measures.
 */
import { performance } from 'node:perf_hooks';
import { createParser } from 'eventsource-parser';
import { Pool } from 'undici';
import { Histogram, type HistogramSnapshot } from '../loadgen/index.js';

export interface ExpectedToolCall {
  id: string;
  name: string;
  arguments: string;
}

export interface StreamSpec {
  origin: string;
  path: string;
  body: string;
  headers?: Record<string, string>;
  concurrency: number;
  durationMs: number;
  /** streams started before this are not recorded */
  warmupMs?: number;
  /** per stream, headers and body */
  timeoutMs?: number;
  /** when set, every stream's tool-call deltas must reassemble to exactly this */
  expectToolCall?: ExpectedToolCall;
  /** stop each client after this many streams (default: unlimited, time decides) */
  maxStreamsPerClient?: number;
}

export interface StreamResult {
  streams: number;
  ok: number;
  errors: number;
  errorsByKind: Record<string, number>;
  /** µs from send to the first SSE event */
  ttft: HistogramSnapshot;
  /** µs between consecutive SSE events of one stream */
  gaps: HistogramSnapshot;
  /** µs from send to the end of the stream */
  total: HistogramSnapshot;
  /** streams whose reassembled tool call differed from the expected one */
  toolCallMismatches: number;
  /** streams checked for a tool call */
  toolCallsChecked: number;
  events: number;
}

interface ToolAcc { id: string; name: string; arguments: string }

export async function runStreams(spec: StreamSpec): Promise<StreamResult> {
  const pool = new Pool(spec.origin, { connections: spec.concurrency, pipelining: 1, headersTimeout: spec.timeoutMs ?? 60_000, bodyTimeout: spec.timeoutMs ?? 60_000 });
  const ttft = new Histogram();
  const gaps = new Histogram();
  const total = new Histogram();
  const errorsByKind: Record<string, number> = {};
  let streams = 0, ok = 0, errors = 0, mismatches = 0, checked = 0, events = 0;
  const t0 = performance.now();
  const recordFrom = t0 + (spec.warmupMs ?? 0);
  const end = recordFrom + spec.durationMs;
  const headers = { 'content-type': 'application/json', accept: 'text/event-stream', ...spec.headers };
  const fail = (kind: string, measured: boolean) => {
    if (!measured) return;
    errors++;
    errorsByKind[kind] = (errorsByKind[kind] ?? 0) + 1;
  };

  const one = async (): Promise<void> => {
    const sentAt = performance.now();
    const measured = sentAt >= recordFrom;
    if (measured) streams++;
    let first = 0, last = 0, n = 0, sawDone = false, sawError = false;
    const local: number[] = [];
    const tool: ToolAcc = { id: '', name: '', arguments: '' };
    const parser = createParser({
      onEvent(ev) {
        const now = performance.now();
        if (n === 0) first = now;
        else local.push(now - last);
        last = now;
        n++;
        if (ev.data === '[DONE]') { sawDone = true; return; }
        if (ev.event === 'error' || ev.data.startsWith('{"error"')) sawError = true;
        if (spec.expectToolCall) accumulateTool(ev.data, tool);
      },
    });
    try {
      const res = await pool.request({ method: 'POST', path: spec.path, headers, body: spec.body });
      if (res.statusCode !== 200) {
        await res.body.dump();
        fail(`status_${res.statusCode}`, measured);
        return;
      }
      for await (const chunk of res.body) parser.feed(typeof chunk === 'string' ? chunk : (chunk as Buffer).toString());
    } catch (err) {
      fail((err as { code?: string }).code ?? (err as Error).name, measured);
      return;
    }
    const endAt = performance.now();
    if (!measured) return;
    if (sawError || n === 0) { fail(sawError ? 'stream_error_event' : 'empty_stream', true); return; }
    if (!sawDone && !spec.path.includes('anthropic')) { fail('no_done', true); return; }
    ok++;
    events += n;
    ttft.record(Math.round((first - sentAt) * 1000));
    total.record(Math.round((endAt - sentAt) * 1000));
    for (const g of local) gaps.record(Math.round(g * 1000));
    if (spec.expectToolCall) {
      checked++;
      const e = spec.expectToolCall;
      if (tool.id !== e.id || tool.name !== e.name || tool.arguments !== e.arguments) mismatches++;
    }
  };

  const client = async (): Promise<void> => {
    let k = 0;
    while (performance.now() < end && (spec.maxStreamsPerClient === undefined || k < spec.maxStreamsPerClient)) {
      await one();
      k++;
    }
  };
  try {
    await Promise.all(Array.from({ length: spec.concurrency }, client));
  } finally {
    await pool.close();
  }
  return {
    streams, ok, errors, errorsByKind, ttft: ttft.toJSON(), gaps: gaps.toJSON(), total: total.toJSON(),
    toolCallMismatches: mismatches, toolCallsChecked: checked, events,
  };
}

function accumulateTool(data: string, acc: ToolAcc): void {
  let parsed: { choices?: Array<{ delta?: { tool_calls?: Array<{ index?: number; id?: string; function?: { name?: string; arguments?: string } }> } }> };
  try {
    parsed = JSON.parse(data) as typeof parsed;
  } catch {
    return;
  }
  for (const c of parsed.choices ?? []) {
    for (const t of c.delta?.tool_calls ?? []) {
      if (t.id) acc.id += t.id;
      if (t.function?.name) acc.name += t.function.name;
      if (t.function?.arguments) acc.arguments += t.function.arguments;
    }
  }
}
