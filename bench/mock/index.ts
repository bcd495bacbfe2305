/** A fast OpenAI-format mock upstream for benchmarks: fixed completion or SSE stream with configurable timing. */
import { DEFAULT_MOCK_OPTIONS, type MockOptions, type MockStats } from './options.js';
import { buildPayloads } from './payloads.js';
import type { RunningMock } from './running.js';
import { startNodeMock } from './node-server.js';
import { startUwsMock } from './uws-server.js';

export { DEFAULT_MOCK_OPTIONS, type MockOptions, type MockStats } from './options.js';
export { MOCK_MODEL, TOOL_CALL, toolCallArguments } from './payloads.js';
export type { RunningMock } from './running.js';

/** Starts the mock in this process. Unset options take DEFAULT_MOCK_OPTIONS; ttftMs defaults to latencyMs. */
export function startMockUpstream(options: Partial<MockOptions> = {}): Promise<RunningMock> {
  const opts: MockOptions = { ...DEFAULT_MOCK_OPTIONS, ...options, ttftMs: options.ttftMs ?? options.latencyMs ?? DEFAULT_MOCK_OPTIONS.ttftMs };
  const stats: MockStats = { requests: 0, streams: 0, unauthorized: 0, badRequests: 0, failed: 0, toolStreams: 0 };
  const ctx = { opts, payloads: buildPayloads(opts.chunks), stats };
  return opts.engine === 'uws' ? startUwsMock(ctx) : startNodeMock(ctx, opts.engine === 'h2');
}
