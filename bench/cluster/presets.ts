/**
 * Run sizes: the full run stays under about 4 minutes, --quick under about 90 s (two cluster sizes each; most
 * of a quick run is the 5-node cluster forming with the default 1 s heartbeat). The load rate stays well
 * below what a 2-core machine running 5 gateways can serve, so the window measures gossip, not a backlog.
 */
export interface ClusterBenchParams {
  sizes: number[];
  circuitReps: number;
  weightsReps: number;
  spendReps: number;
  idleS: number;
  loadS: number;
  loadWarmupS: number;
  loadRps: number;
  loadDeployments: number;
  pollMs: number;
  slowMs: number;
  baselineRequests: number;
  slowRequests: number;
  weightThreshold: number;
  quick: boolean;
}

export const FULL: ClusterBenchParams = {
  sizes: [3, 5], circuitReps: 40, weightsReps: 20, spendReps: 40, idleS: 10, loadS: 10, loadWarmupS: 2, loadRps: 100,
  loadDeployments: 4, pollMs: 20, slowMs: 200, baselineRequests: 12, slowRequests: 20, weightThreshold: 0.3, quick: false,
};

export const QUICK: ClusterBenchParams = {
  ...FULL, circuitReps: 5, weightsReps: 3, spendReps: 5, idleS: 3, loadS: 3, quick: true,
};
