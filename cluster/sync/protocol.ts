/**
 * Anti-entropy over a libp2p request/response protocol. A round with peer B:
 *   1. A -> B  sync-req  { digest of A }
 *   2. B -> A  sync-res  { B's records that A's digest shows as different, digest of B }
 *   3. A merges, then (new stream) A -> B sync-push { A's records that B's digest shows as different }
 *      and B answers sync-ack.
 * Both sides end up with the union, so late joiners and healed partitions converge.
 */
import type { Connection, PeerId, Stream } from '@libp2p/interface';
import { z } from 'zod';
import type { ClusterMetrics } from '../metrics.js';
import type { ClusterLogger } from '../types.js';
import type { ClusterLibp2p } from '../net/libp2p-node.js';
import { SYNC_PROTOCOL } from '../net/topics.js';
import { MAX_CLOCK_SKEW_MS, WIRE_VERSION, decodeMessage, encode, schemas, type Digest, type SyncState } from '../wire/index.js';
import { isEmptyState } from './digest.js';
import { OversizedError, readAll } from './stream-io.js';

export interface SyncDeps {
  node: ClusterLibp2p;
  maxSyncBytes: number;
  timeoutMs: number;
  metrics: ClusterMetrics;
  isBlocked: (peerId: string) => boolean;
  digest: (now: number) => Digest;
  missingFor: (remote: Digest, now: number) => SyncState;
  /** Merges records received from `from`; `sentAt` is the sender's clock. */
  apply: (state: SyncState, from: string, sentAt: number, now: number) => void;
  log: ClusterLogger;
}

const inbound = z.discriminatedUnion('t', [schemas.syncRequest, schemas.syncPush]);

function checkState(state: SyncState, now: number): string | undefined {
  for (const r of state.config) if (r[2] > now + MAX_CLOCK_SKEW_MS) return 'config timestamp too far in the future';
  return undefined;
}

export class SyncProtocol {
  constructor(private readonly deps: SyncDeps) {}

  async start(): Promise<void> {
    await this.deps.node.handle(SYNC_PROTOCOL, ({ stream, connection }) => {
      this.serve(stream, connection).catch((err: Error) => {
        this.deps.log('debug', 'cluster: sync serve failed', { peer: connection.remotePeer.toString(), error: err.message });
        stream.abort(err);
      });
    }, { maxInboundStreams: 8, maxOutboundStreams: 8 });
  }

  async stop(): Promise<void> {
    await this.deps.node.unhandle(SYNC_PROTOCOL).catch(() => {});
  }

  /** Runs one full round with `peer`. Resolves to the number of records received and sent. */
  async syncWith(peer: PeerId): Promise<{ received: number; sent: number }> {
    const { deps } = this;
    const now = Date.now();
    const response = await this.request(peer, { v: WIRE_VERSION, t: 'sync-req', sentAt: now, digest: deps.digest(now) }, schemas.syncResponse);
    const received = response.state.counters.length + response.state.stats.length + response.state.config.length;
    deps.apply(response.state, peer.toString(), response.sentAt, Date.now());
    const missing = deps.missingFor(response.digest, Date.now());
    let sent = 0;
    if (!isEmptyState(missing)) {
      await this.request(peer, { v: WIRE_VERSION, t: 'sync-push', sentAt: Date.now(), state: missing }, schemas.syncAck);
      sent = missing.counters.length + missing.stats.length + missing.config.length;
    }
    deps.metrics.syncRounds++;
    return { received, sent };
  }

  private async request<S extends z.ZodTypeAny>(peer: PeerId, body: object, schema: S): Promise<z.infer<S>> {
    const { deps } = this;
    const signal = AbortSignal.timeout(deps.timeoutMs);
    const stream = await deps.node.dialProtocol(peer, SYNC_PROTOCOL, { signal });
    const abort = () => stream.abort(new Error('sync timed out'));
    signal.addEventListener('abort', abort, { once: true });
    try {
      const out = encode(body);
      deps.metrics.bytesOut += out.byteLength;
      await stream.sink([out]);
      const bytes = await readAll(stream.source, deps.maxSyncBytes);
      deps.metrics.bytesIn += bytes.byteLength;
      const decoded = decodeMessage(bytes, schema, deps.maxSyncBytes, (m: { state?: SyncState }) => (m.state ? checkState(m.state, Date.now()) : undefined));
      if (!decoded.ok) {
        deps.metrics.drop(decoded.reason);
        throw new Error(`bad sync response: ${decoded.reason}: ${decoded.detail}`);
      }
      return decoded.message;
    } catch (err) {
      if (err instanceof OversizedError) deps.metrics.drop('oversized');
      stream.abort(err as Error);
      throw err;
    } finally {
      signal.removeEventListener('abort', abort);
      await stream.close().catch(() => {});
    }
  }

  private async serve(stream: Stream, connection: Connection): Promise<void> {
    const { deps } = this;
    const from = connection.remotePeer.toString();
    if (deps.isBlocked(from)) {
      deps.metrics.drop('blocked');
      stream.abort(new Error('partitioned'));
      return;
    }
    const timer = setTimeout(() => stream.abort(new Error('sync timed out')), deps.timeoutMs);
    try {
      let bytes: Uint8Array;
      try {
        bytes = await readAll(stream.source, deps.maxSyncBytes);
      } catch (err) {
        if (err instanceof OversizedError) deps.metrics.drop('oversized');
        throw err;
      }
      deps.metrics.bytesIn += bytes.byteLength;
      const decoded = decodeMessage(bytes, inbound, deps.maxSyncBytes, (m) => (m.t === 'sync-push' ? checkState(m.state, Date.now()) : undefined));
      if (!decoded.ok) {
        deps.metrics.drop(decoded.reason);
        stream.abort(new Error(decoded.reason));
        return;
      }
      const request = decoded.message;
      const now = Date.now();
      let reply: object;
      if (request.t === 'sync-req') {
        reply = { v: WIRE_VERSION, t: 'sync-res', sentAt: now, digest: deps.digest(now), state: deps.missingFor(request.digest, now) };
      } else {
        deps.apply(request.state, from, request.sentAt, now);
        reply = { v: WIRE_VERSION, t: 'sync-ack', sentAt: now };
      }
      const out = encode(reply);
      deps.metrics.bytesOut += out.byteLength;
      await stream.sink([out]);
    } finally {
      clearTimeout(timer);
    }
  }
}
