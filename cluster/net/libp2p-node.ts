/**
 * Builds the libp2p node: TCP + Noise + Yamux + identify + gossipsub, behind a pnet pre-shared key
 * when one is given (peers without the key fail the handshake before Noise even starts).
 */
import '../polyfill.js';
import { gossipsub, type GossipsubEvents } from '@chainsafe/libp2p-gossipsub';
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { identify } from '@libp2p/identify';
import type { ConnectionGater, PrivateKey, PubSub } from '@libp2p/interface';
import { preSharedKey } from '@libp2p/pnet';
import { tcp } from '@libp2p/tcp';
import { createLibp2p, type Libp2p } from 'libp2p';
import { swarmKeyFile } from '../key.js';
import type { ResolvedOptions } from '../options.js';
import { staleConnections, type StaleConnections } from './stale-connections.js';
import { TOPICS } from './topics.js';

export type ClusterLibp2p = Libp2p<{ pubsub: PubSub<GossipsubEvents>; identify: unknown; staleConnections: StaleConnections }>;

function listenAddress(host: string, port: number): string {
  return host.includes(':') ? `/ip6/${host}/tcp/${port}` : `/ip4/${host}/tcp/${port}`;
}

export async function createNode(opts: ResolvedOptions, privateKey: PrivateKey, gater: ConnectionGater): Promise<ClusterLibp2p> {
  return createLibp2p({
    start: false,
    privateKey,
    addresses: {
      listen: [listenAddress(opts.host, opts.port)],
      announce: opts.announce,
    },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    ...(opts.key ? { connectionProtector: preSharedKey({ psk: swarmKeyFile(opts.key) }) } : {}),
    connectionGater: gater,
    connectionManager: { maxConnections: 300 },
    services: {
      identify: identify(),
      staleConnections: staleConnections(),
      pubsub: gossipsub({
        emitSelf: false,
        allowPublishToZeroTopicPeers: true,
        ignoreDuplicatePublishError: true,
        floodPublish: true,
        allowedTopics: Object.values(TOPICS),
        // Let messages up to 4x our limit reach the topic validator, so oversized ones are counted.
        maxInboundDataLength: Math.max(4 * opts.maxMessageBytes, 1024 * 1024),
      }),
    },
  }) as unknown as Promise<ClusterLibp2p>;
}
