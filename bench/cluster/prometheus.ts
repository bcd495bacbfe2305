/**
 * Reads the two gossip byte gauges out of a node's /metrics exposition. The gauges are monotonic totals,
 * so bandwidth is the difference of two scrapes divided by the time between them.
 */
export interface GossipBytes {
  bytesIn: number;
  bytesOut: number;
}

const IN = 'switchyard_cluster_gossip_bytes_in';
const OUT = 'switchyard_cluster_gossip_bytes_out';

/** The value of an unlabelled sample `name` in Prometheus text format, or undefined when absent. */
export function sampleValue(exposition: string, name: string): number | undefined {
  for (const line of exposition.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    // `name 123` or `name{} 123`; a longer metric name that merely starts with `name` is not a match.
    const m = /^(?:\{\})?\s+(\S+)/.exec(rest);
    if (!m) continue;
    const v = Number(m[1]);
    if (Number.isFinite(v)) return v;
  }
  return undefined;
}

export function gossipBytes(exposition: string): GossipBytes {
  const bytesIn = sampleValue(exposition, IN);
  const bytesOut = sampleValue(exposition, OUT);
  if (bytesIn === undefined || bytesOut === undefined) throw new Error(`/metrics has no ${bytesIn === undefined ? IN : OUT} sample`);
  return { bytesIn, bytesOut };
}

/** Bytes per second between two scrapes taken `elapsedMs` apart. */
export function rate(before: GossipBytes, after: GossipBytes, elapsedMs: number): { inPerS: number; outPerS: number } {
  if (!(elapsedMs > 0)) throw new RangeError(`elapsedMs must be > 0, got ${elapsedMs}`);
  return {
    inPerS: ((after.bytesIn - before.bytesIn) * 1000) / elapsedMs,
    outPerS: ((after.bytesOut - before.bytesOut) * 1000) / elapsedMs,
  };
}
