/** Gossip topics. The version in the name lets a future wire format run side by side. */
export const TOPICS = {
  members: '/switchyard/members/1',
  counters: '/switchyard/counters/1',
  stats: '/switchyard/stats/1',
  config: '/switchyard/config/1',
} as const;

export type TopicName = keyof typeof TOPICS;

export const TOPIC_NAMES: Record<string, TopicName> = Object.fromEntries(
  Object.entries(TOPICS).map(([name, topic]) => [topic, name as TopicName]),
);

export const SYNC_PROTOCOL = '/switchyard/sync/1.0.0';
