import type { GatewayError } from './errors.js';

/**
 * How the pipeline hands results to an ingress dialect. The dialect formats (JSON body, SSE events in
 * its own shape) and writes; the pipeline never sees the wire. Stream writes report backpressure:
 * `batch` returns false when the client is not keeping up, and the pipeline awaits `writable()`.
 */
export interface ResponseSink<Resp, Chunk> {
  response(resp: Resp): void;
  batch(chunks: Chunk[]): boolean;
  writable(): Promise<void>;
  end(): void;
  /** The stream already started: end it with an explicit error event, never a clean end. */
  streamError(err: GatewayError): void;
}
