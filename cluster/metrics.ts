/** Plain counters behind ClusterAgent.metrics(); the gateway exports them to Prometheus. */
import type { ClusterMetricsSnapshot, MemberState } from './types.js';

export class ClusterMetrics {
  readonly gossipIn: Record<string, number> = {};
  readonly gossipOut: Record<string, number> = {};
  readonly dropped: Record<string, number> = {};
  syncRounds = 0;
  lastConvergenceLagMs = 0;
  bytesIn = 0;
  bytesOut = 0;

  received(topic: string, bytes: number): void {
    this.gossipIn[topic] = (this.gossipIn[topic] ?? 0) + 1;
    this.bytesIn += bytes;
  }

  sent(topic: string, bytes: number): void {
    this.gossipOut[topic] = (this.gossipOut[topic] ?? 0) + 1;
    this.bytesOut += bytes;
  }

  drop(reason: string): void {
    this.dropped[reason] = (this.dropped[reason] ?? 0) + 1;
  }

  snapshot(members: Record<MemberState, number>, connectedPeers: number): ClusterMetricsSnapshot {
    return {
      members: { ...members },
      gossipIn: { ...this.gossipIn },
      gossipOut: { ...this.gossipOut },
      dropped: { ...this.dropped },
      connectedPeers,
      syncRounds: this.syncRounds,
      lastConvergenceLagMs: this.lastConvergenceLagMs,
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
    };
  }
}
