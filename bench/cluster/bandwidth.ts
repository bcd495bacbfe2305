/**
 * Gossip bandwidth per node, from the deltas of /metrics `switchyard_cluster_gossip_bytes_in/out`
 * (gossip payload bytes; libp2p framing, Noise, gossipsub control messages and anti-entropy sync streams
 * are not in these counters). Idle = no client traffic, only heartbeats. Under load = an open-loop rate
 * of chat requests spread round-robin over every node, with a virtual key and a few deployments, so
 * stats buckets, spend and usage counters all change all the time.
 */
import { chat, sleep } from './http.js';
import { UPSTREAM, type BenchContext } from './context.js';
import { gossipBytes, rate, type GossipBytes } from './prometheus.js';
import { createSpendKey } from './spend.js';

export interface NodeBandwidth {
  inPerS: number;
  outPerS: number;
}

export interface BandwidthSample {
  phase: 'idle' | 'load';
  seconds: number;
  perNode: NodeBandwidth[];
  /** load only: requests answered per second (all nodes), and how many were not 200 */
  achievedRps?: number;
  errors?: number;
}

async function scrape(ctx: BenchContext): Promise<{ at: number; bytes: GossipBytes[] }> {
  const bytes = await Promise.all(ctx.cluster.nodes.map(async (n) => gossipBytes(await n.metrics())));
  return { at: Date.now(), bytes };
}

async function window(ctx: BenchContext, seconds: number): Promise<NodeBandwidth[]> {
  const a = await scrape(ctx);
  await sleep(seconds * 1000);
  const b = await scrape(ctx);
  return a.bytes.map((x, i) => rate(x, b.bytes[i]!, b.at - a.at));
}

export async function measureIdle(ctx: BenchContext, seconds: number): Promise<BandwidthSample> {
  ctx.progress.step(`gossip bandwidth, idle (${seconds} s)`, seconds * 1000);
  return { phase: 'idle', seconds, perNode: await window(ctx, seconds) };
}

export interface LoadOptions {
  seconds: number;
  /** requests per second over the whole cluster */
  rps: number;
  /** distinct deployments the load spreads over */
  deployments: number;
  /** unrecorded seconds of load before the window starts */
  warmupS: number;
}

export async function measureUnderLoad(ctx: BenchContext, o: LoadOptions): Promise<BandwidthSample> {
  ctx.progress.step(`gossip bandwidth under ${o.rps} req/s (${o.seconds} s)`, (o.seconds + o.warmupS) * 1000);
  const key = await createSpendKey(ctx, `bench-load-${ctx.tag}`);
  await sleep(300); // the new key reaches every node's workers
  const headers = { authorization: `Bearer ${key.key}` };
  const nodes = ctx.cluster.nodes;
  const models = Array.from({ length: o.deployments }, (_, i) => `${UPSTREAM}/load-${ctx.tag}-${i}`);
  let sent = 0;
  let answered = 0;
  let errors = 0;
  let inFlight = 0;
  let stop = false;
  const MAX_IN_FLIGHT = 512;
  const start = Date.now();
  // Open loop: requests are due every 1/rps seconds whatever earlier ones do (capped in flight, so an
  // overloaded cluster shows up as a lower achieved rate rather than as unbounded memory here).
  const loop = (async () => {
    while (!stop) {
      const due = Math.floor(((Date.now() - start) / 1000) * o.rps);
      while (sent < due && inFlight < MAX_IN_FLIGHT) {
        const i = sent++;
        inFlight++;
        chat(nodes[i % nodes.length]!.origin, models[i % models.length]!, headers)
          .then((s) => { if (s !== 200) errors++; }, () => { errors++; })
          .finally(() => { inFlight--; answered++; });
      }
      await sleep(2);
    }
    while (inFlight > 0) await sleep(5);
  })();
  try {
    await sleep(o.warmupS * 1000);
    const answeredBefore = answered;
    const errorsBefore = errors;
    const a = await scrape(ctx);
    await sleep(o.seconds * 1000);
    const b = await scrape(ctx);
    const elapsed = b.at - a.at;
    return {
      phase: 'load', seconds: o.seconds,
      perNode: a.bytes.map((x, i) => rate(x, b.bytes[i]!, elapsed)),
      achievedRps: ((answered - answeredBefore) * 1000) / elapsed,
      errors: errors - errorsBefore,
    };
  } finally {
    stop = true;
    await loop;
  }
}
