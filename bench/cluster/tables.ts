/** The human-facing tables of a cluster run, derived from the raw samples only. */
import type { Cell, Table } from '../lib/index.js';
import type { BandwidthSample } from './bandwidth.js';
import type { CircuitSample } from './circuit.js';
import { summarize } from './percentiles.js';
import type { SpendSample } from './spend.js';
import type { WeightsResult } from './weights.js';

export interface SizeRaw {
  size: number;
  startup: { firstReadyMs: number; formedMs: number };
  circuit: CircuitSample[];
  weights: WeightsResult;
  spend: SpendSample[];
  bandwidth: BandwidthSample[];
}

const round1 = (x: number | null): Cell => (x === null ? null : Math.round(x * 10) / 10);

/** One row: the origin node's and the last node's figure per repetition, summarised. */
function row(label: string, size: number, perRep: number[][]): Cell[] {
  const origin = summarize(perRep.map((r) => r[0]!));
  const last = summarize(perRep.map((r) => Math.max(...r)));
  return [label, size, last.n, round1(origin.p50), round1(origin.p99), round1(last.p50), round1(last.p99), round1(last.max)];
}

export function convergenceTable(sizes: SizeRaw[], o: { weightThreshold: number; slowMs: number; pollMs: number }): Table {
  const rows: Cell[][] = [];
  for (const s of sizes) {
    rows.push(row('circuit open: decided (since)', s.size, s.circuit.map((c) => c.decidedMs)));
    rows.push(row('circuit open: seen by polling', s.size, s.circuit.map((c) => c.observedMs)));
    rows.push(row('weight < threshold: from latency change', s.size, s.weights.samples.map((w) => w.fromChangeMs)));
    rows.push(row('weight < threshold: from last slow answer', s.size, s.weights.samples.map((w) => w.fromSlowDoneMs)));
    rows.push(row('spend total: from the answer', s.size, s.spend.map((x) => x.fromAnswerMs)));
  }
  return {
    title: 'Cluster convergence (ms): node 0 gets the traffic, every node must follow',
    columns: ['measurement', 'nodes', 'n', 'node 0 p50', 'node 0 p99', 'last node p50', 'last node p99', 'last node max'],
    rows,
    notes: [
      'circuit: from the first failed upstream call (mock receive time) to each node opening the circuit; "decided" is the node\'s own `since`, "seen" is our first poll that showed it open.',
      `weights: a deployment turns ${o.slowMs} ms slower; until its effective weight in /api/cluster is below ${o.weightThreshold} on the node (about 1 before). "from latency change" includes the slow answers themselves.`,
      'spend: a $1.00 request with a virtual key on node 0; from its answer reaching the client to /api/usage showing the new total.',
      ...sizes.filter((s) => s.weights.discarded.length > 0).map((s) => `weights, ${s.size} nodes: ${s.weights.discarded.length} repetition(s) discarded and repeated because the fast baseline did not settle above the threshold on every node (raw.sizes[].weights.discarded).`),
      `"last node" = the slowest node of each repetition; p99 is nearest-rank, so with fewer than 100 repetitions it is the maximum. Polling every ${o.pollMs} ms.`,
    ],
  };
}

export function bandwidthTable(sizes: SizeRaw[]): Table {
  const rows: Cell[][] = [];
  for (const s of sizes) {
    for (const b of s.bandwidth) {
      const ins = b.perNode.map((n) => n.inPerS);
      const outs = b.perNode.map((n) => n.outPerS);
      const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
      const perRequest = b.achievedRps ? outs.reduce((a, x) => a + x, 0) / b.achievedRps : null;
      rows.push([s.size, b.phase, b.achievedRps === undefined ? 0 : Math.round(b.achievedRps), b.errors ?? 0, Math.round(mean(ins)), Math.round(Math.max(...ins)),
        Math.round(mean(outs)), Math.round(Math.max(...outs)), perRequest === null ? null : Math.round(perRequest)]);
    }
  }
  return {
    title: 'Gossip bandwidth per node (bytes/s, from /metrics switchyard_cluster_gossip_bytes_in/out)',
    columns: ['nodes', 'phase', 'client req/s', 'errors', 'in mean', 'in max', 'out mean', 'out max', 'out bytes per request (cluster)'],
    rows,
    notes: [
      'Gossip payload bytes only: libp2p framing, encryption, gossipsub control traffic and anti-entropy sync streams are not counted.',
      'Under load the requests go round-robin to every node, with a virtual key, over several deployments.',
    ],
  };
}

export function startupTable(sizes: SizeRaw[]): Table {
  return {
    title: 'Cluster start-up (ms)',
    columns: ['nodes', 'node 0 ready', 'all members alive everywhere'],
    rows: sizes.map((s) => [s.size, s.startup.firstReadyMs, s.startup.formedMs]),
  };
}
