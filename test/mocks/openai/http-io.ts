/** Low-level response writing for the mock: JSON bodies, SSE streams with pacing and mid-stream cuts, abortable waits. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export const MAX_BODY_BYTES = 32 * 1024 * 1024;

/** Reads the whole request body; rejects when it exceeds MAX_BODY_BYTES. */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (d: Buffer) => {
      size += d.length;
      if (size > MAX_BODY_BYTES) { reject(new Error('body too large')); req.destroy(); return; }
      parts.push(d);
    });
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}

/** Resolves true after `ms`, or false as soon as `signal` aborts (the client left or the mock is closing). */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onAbort = () => { clearTimeout(timer); resolve(false); };
    const timer = setTimeout(() => { signal.removeEventListener('abort', onAbort); resolve(true); }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) });
  res.end(payload);
}

export interface SseOptions {
  /** Pause before every event after the first. */
  intervalMs?: number;
  /** Write this many events, then close the connection without finishing the response. */
  cutAfter?: number;
}

/** Streams `data: <json>\n\n` per chunk and a final `data: [DONE]\n\n`, honouring backpressure and client departure. */
export async function sendSse(res: ServerResponse, chunks: unknown[], headers: Record<string, string>, opts: SseOptions, signal: AbortSignal): Promise<void> {
  res.writeHead(200, { ...headers, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  res.flushHeaders();
  const events = chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`);
  events.push('data: [DONE]\n\n');
  for (let i = 0; i < events.length; i++) {
    if (opts.cutAfter !== undefined && i >= opts.cutAfter) return cut(res);
    if (i > 0 && opts.intervalMs && !(await sleep(opts.intervalMs, signal))) return;
    if (signal.aborted) return;
    if (!res.write(events[i]) && !(await drained(res, signal))) return;
  }
  if (opts.cutAfter !== undefined) return cut(res);
  res.end();
}

function drained(res: ServerResponse, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (ok: boolean) => { res.off('drain', onDrain); signal.removeEventListener('abort', onAbort); resolve(ok); };
    const onDrain = () => done(true);
    const onAbort = () => done(false);
    res.on('drain', onDrain);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Ends the connection mid-body: the events already written are flushed, then FIN without the chunked terminator,
 * so the client reads every event it was sent and then sees the stream break (a RST could discard unread data).
 */
function cut(res: ServerResponse): void {
  const socket = res.socket;
  if (!socket) return;
  socket.end();
  setTimeout(() => socket.destroy(), 1000).unref();
}

/** Connection reset: RST when the platform supports it, else an abrupt destroy. */
export function resetSocket(socket: Socket | null): void {
  if (!socket) return;
  if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
  else socket.destroy();
}
