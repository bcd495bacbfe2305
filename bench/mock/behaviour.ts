/**
 * What the mock answers and when, independent of the HTTP server underneath: both engines implement
 * `Reply` and share this timing logic, so switching engine cannot change the behaviour being measured.
 */
import type { MockOptions, MockStats } from './options.js';
import { openAiError, readRequestFlags, type Payloads } from './payloads.js';

export interface Reply {
  /** set by the engine when the client went away; nothing may be written after that */
  aborted: boolean;
  json(status: number, body: Buffer): void;
  streamStart(frame: Buffer): void;
  streamWrite(frame: Buffer): void;
  streamEnd(frame: Buffer): void;
}

export interface MockContext {
  opts: MockOptions;
  payloads: Payloads;
  stats: MockStats;
}

const UNAUTHORIZED = openAiError('Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key');
const EMPTY_BODY = openAiError('We could not parse the JSON body of your request.', 'invalid_request_error', 'invalid_json');
const UPSTREAM_FAILURE = openAiError('The server had an error while processing your request.', 'server_error', 'server_error');
export const NOT_FOUND = openAiError('Unknown request URL.', 'invalid_request_error', 'unknown_url');

function later(ms: number, fn: () => void): void {
  if (ms > 0) setTimeout(fn, ms);
  else fn();
}

export function answerChat(reply: Reply, body: string, authorization: string | undefined, ctx: MockContext): void {
  const { opts, payloads, stats } = ctx;
  stats.requests++;
  if (opts.apiKey !== undefined && authorization !== `Bearer ${opts.apiKey}`) {
    stats.unauthorized++;
    reply.json(401, UNAUTHORIZED);
    return;
  }
  if (body.length === 0) {
    stats.badRequests++;
    reply.json(400, EMPTY_BODY);
    return;
  }
  if (opts.failStatus !== undefined) {
    stats.failed++;
    reply.json(opts.failStatus, UPSTREAM_FAILURE);
    return;
  }
  const flags = readRequestFlags(body);
  if (!flags.stream) {
    later(opts.latencyMs, () => { if (!reply.aborted) reply.json(200, payloads.completion); });
    return;
  }
  stats.streams++;
  // A request that offers tools gets a streamed tool call instead of text (reassembly checks under load).
  if (flags.tools) stats.toolStreams++;
  const tail = flags.tools ? payloads.toolTail : flags.includeUsage ? payloads.tailWithUsage : payloads.tail;
  const frames = flags.tools ? payloads.toolMiddleFrames : payloads.middleFrames;
  const firstFrame = flags.tools ? payloads.toolFirstFrame : payloads.firstFrame;
  const interval = opts.chunkIntervalMs;
  const next = (i: number): void => {
    if (reply.aborted) return;
    if (interval <= 0) {
      for (; i < frames.length; i++) reply.streamWrite(frames[i]);
      reply.streamEnd(tail);
      return;
    }
    if (i === frames.length) {
      setTimeout(() => { if (!reply.aborted) reply.streamEnd(tail); }, interval);
      return;
    }
    setTimeout(() => {
      if (reply.aborted) return;
      reply.streamWrite(frames[i]);
      next(i + 1);
    }, interval);
  };
  later(opts.ttftMs, () => {
    if (reply.aborted) return;
    reply.streamStart(firstFrame);
    next(0);
  });
}
