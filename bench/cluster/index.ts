/** `npm run bench:cluster`: convergence of circuits, weights and spend across real gateway nodes, and gossip bandwidth. */
export { runClusterBench, expectedMs, type ClusterResults } from './run.js';
export { FULL, QUICK, type ClusterBenchParams } from './presets.js';
export { launchCluster, type GatewayCluster, type GatewayNode, type ClusterStatus, type ClusterLaunchOptions } from './gateway-cluster.js';
export { percentile, summarize, type Summary } from './percentiles.js';
export { gossipBytes, sampleValue, rate, type GossipBytes } from './prometheus.js';
export { convergenceTable, bandwidthTable, startupTable, type SizeRaw } from './tables.js';
export { watchNodes, type WatchResult } from './watch.js';
