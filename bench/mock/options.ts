export interface MockOptions {
  host: string;
  /** 0 = any free port */
  port: number;
  /** delay before a non-streaming response is sent, ms */
  latencyMs: number;
  /** streaming: delay before the first chunk, ms (defaults to latencyMs) */
  ttftMs: number;
  /** streaming: number of content chunks */
  chunks: number;
  /** streaming: delay between content chunks, ms */
  chunkIntervalMs: number;
  /** if set, requests must carry `Authorization: Bearer <apiKey>` or get a 401 in OpenAI's error shape */
  apiKey: string | undefined;
  /** HTTP server implementation; uWS measured faster (see bench/README.md); h2 = node:http2, prior knowledge */
  engine: 'uws' | 'node' | 'h2';
  /** if set, every chat request is answered at once with this status and an OpenAI error (fallback benchmarks) */
  failStatus: number | undefined;
}

export const DEFAULT_MOCK_OPTIONS: MockOptions = {
  host: '127.0.0.1', port: 0, latencyMs: 0, ttftMs: 0, chunks: 16, chunkIntervalMs: 0, apiKey: undefined, engine: 'uws', failStatus: undefined,
};

export interface MockStats {
  requests: number;
  streams: number;
  unauthorized: number;
  badRequests: number;
  failed: number;
  toolStreams: number;
}
