/**
 * Gossipsub wiring: subscribes the four topics, validates every message in a topic validator
 * (rejecting bad ones so gossipsub neither forwards them nor keeps scoring the sender well),
 * hands valid ones to the agent, and publishes own deltas split to fit `maxMessageBytes`.
 */
import type { GossipsubEvents } from '@chainsafe/libp2p-gossipsub';
import { TopicValidatorResult, type Message, type PeerId, type PubSub } from '@libp2p/interface';
import type { ClusterMetrics } from '../metrics.js';
import type { ClusterLogger } from '../types.js';
import { encode } from '../wire/index.js';
import { TOPICS, type TopicName } from './topics.js';
import { validateGossip, type GossipLimits, type GossipMessage } from './validate-gossip.js';

export interface GossipDeps {
  pubsub: PubSub<GossipsubEvents>;
  limits: GossipLimits;
  metrics: ClusterMetrics;
  isBlocked: (peerId: string) => boolean;
  deliver: (from: string, message: GossipMessage, receivedAt: number) => void;
  log: ClusterLogger;
}

export class Gossip {
  private readonly accepted = new WeakMap<Message, GossipMessage>();
  private readonly onMessage = (evt: CustomEvent<Message>): void => {
    const msg = evt.detail;
    if (msg.type !== 'signed') return;
    const decoded = this.accepted.get(msg) ?? this.check(msg.from, msg);
    if (decoded === undefined) return;
    try {
      this.deps.deliver(msg.from.toString(), decoded, Date.now());
    } catch (err) {
      this.deps.log('error', 'cluster: applying gossip failed', { topic: msg.topic, error: (err as Error).message });
    }
  };

  constructor(private readonly deps: GossipDeps) {}

  start(): void {
    const { pubsub } = this.deps;
    for (const topic of Object.values(TOPICS)) {
      pubsub.topicValidators.set(topic, (propagationSource: PeerId, msg: Message) => {
        // A partitioned peer's traffic is ignored (not rejected: it did nothing wrong).
        if (this.deps.isBlocked(propagationSource.toString()) || (msg.type === 'signed' && this.deps.isBlocked(msg.from.toString()))) {
          this.deps.metrics.drop('blocked');
          return TopicValidatorResult.Ignore;
        }
        return this.check(propagationSource, msg) ? TopicValidatorResult.Accept : TopicValidatorResult.Reject;
      });
      pubsub.subscribe(topic);
    }
    pubsub.addEventListener('message', this.onMessage);
  }

  stop(): void {
    const { pubsub } = this.deps;
    pubsub.removeEventListener('message', this.onMessage);
    for (const topic of Object.values(TOPICS)) {
      pubsub.topicValidators.delete(topic);
      try {
        pubsub.unsubscribe(topic);
      } catch {
        // already stopped
      }
    }
  }

  /** Publishes `records` under `build`, halving batches until each payload fits. */
  async publish<R>(name: TopicName, records: R[], build: (records: R[]) => object): Promise<void> {
    if (records.length === 0 && name !== 'members') return;
    const bytes = encode(build(records));
    if (bytes.byteLength > this.deps.limits.maxMessageBytes) {
      if (records.length <= 1) {
        this.deps.log('warn', 'cluster: record too large to gossip; it will travel by sync only', { topic: name, bytes: bytes.byteLength });
        return;
      }
      const half = Math.ceil(records.length / 2);
      await this.publish(name, records.slice(0, half), build);
      await this.publish(name, records.slice(half), build);
      return;
    }
    try {
      await this.deps.pubsub.publish(TOPICS[name], bytes);
      this.deps.metrics.sent(name, bytes.byteLength);
    } catch (err) {
      this.deps.log('debug', 'cluster: publish failed', { topic: name, error: (err as Error).message });
    }
  }

  private check(propagationSource: PeerId, msg: Message): GossipMessage | undefined {
    const name = msg.topic;
    if (msg.type !== 'signed') {
      this.deps.metrics.drop('invalid');
      return undefined;
    }
    const from = msg.from.toString();
    const result = validateGossip(name, msg.data, from, this.deps.limits, Date.now());
    if (!result.ok) {
      this.deps.metrics.drop(result.reason);
      this.deps.log('debug', 'cluster: dropped gossip', { topic: name, from, via: propagationSource.toString(), reason: result.reason, detail: result.detail });
      return undefined;
    }
    this.deps.metrics.received(result.message.topic, msg.data.byteLength);
    this.accepted.set(msg, result.message);
    return result.message;
  }
}
