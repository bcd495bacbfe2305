/**
 * Decides, for one received gossip payload, whether it may be applied. Pure: no network, so it is
 * unit-tested directly. Besides shape and bounds, a peer may only gossip its own records (origin ==
 * signed sender): others' state reaches us through sync, never as a claim by a third party.
 */
import { MAX_CLOCK_SKEW_MS, decodeMessage, schemas, type Decoded } from '../wire/index.js';
import type { ConfigDelta, CounterDelta, Heartbeat, StatsDelta } from '../wire/index.js';
import { TOPIC_NAMES, type TopicName } from './topics.js';

export type GossipMessage =
  | { topic: 'members'; message: Heartbeat }
  | { topic: 'counters'; message: CounterDelta }
  | { topic: 'stats'; message: StatsDelta }
  | { topic: 'config'; message: ConfigDelta };

export interface GossipLimits {
  maxMessageBytes: number;
  statsBucketMs: number;
}

function tag<T extends TopicName, M>(topic: T, d: Decoded<M>): Decoded<{ topic: T; message: M }> {
  return d.ok ? { ok: true, message: { topic, message: d.message } } : d;
}

/** Origins of a node are `${peerId}~${incarnation}`. */
export function isOwnOrigin(origin: string, from: string): boolean {
  return origin.length > from.length + 1 && origin.startsWith(from) && origin[from.length] === '~' && /^\d+$/.test(origin.slice(from.length + 1));
}

export function validateGossip(topic: string, data: Uint8Array, from: string, limits: GossipLimits, now: number): Decoded<GossipMessage> {
  const name = TOPIC_NAMES[topic];
  const max = limits.maxMessageBytes;
  switch (name) {
    case 'members':
      return tag('members', decodeMessage(data, schemas.heartbeat, max));
    case 'counters':
      return tag(
        'counters',
        decodeMessage(data, schemas.counterDelta, max, (m) => (m.records.every((r) => isOwnOrigin(r[1], from)) ? undefined : 'counter record of another origin')),
      );
    case 'stats':
      return tag(
        'stats',
        decodeMessage(data, schemas.statsDelta, max, (m) => {
          for (const r of m.records) {
            if (!isOwnOrigin(r[0], from)) return 'stats record of another origin';
            if (r[2] % limits.statsBucketMs !== 0) return `bucket start ${r[2]} not aligned to ${limits.statsBucketMs} ms`;
          }
          return undefined;
        }),
      );
    case 'config':
      return tag(
        'config',
        decodeMessage(data, schemas.configDelta, max, (m) => {
          for (const r of m.records) {
            if (r[4] !== from) return 'config write of another origin';
            if (r[2] > now + MAX_CLOCK_SKEW_MS) return 'config timestamp too far in the future';
          }
          return undefined;
        }),
      );
    default:
      return { ok: false, reason: 'unknown-topic', detail: topic };
  }
}
