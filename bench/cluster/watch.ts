/**
 * Watches every node until a condition holds on each: one independent polling loop per node, so a slow
 * answer from one node does not delay the reading of another. The time recorded for a node is when the
 * first answer that satisfies the condition arrived (an upper bound of when the node changed, off by at
 * most one polling interval plus one round trip).
 */
import { sleep } from './http.js';

export interface WatchResult<T> {
  /** per node: Date.now() when the condition was first seen to hold */
  seenAt: number[];
  /** per node: the value `read` returned in that answer */
  values: T[];
}

export async function watchNodes<N, T>(
  nodes: readonly N[],
  read: (node: N) => Promise<T>,
  holds: (value: T) => boolean,
  opts: { everyMs: number; timeoutMs: number; label: string; show?: (value: T) => string },
): Promise<WatchResult<T>> {
  const deadline = Date.now() + opts.timeoutMs;
  const seenAt: number[] = [];
  const values: T[] = [];
  const errors: string[] = [];
  const last: string[] = [];
  await Promise.all(nodes.map(async (node, i) => {
    for (;;) {
      try {
        const v = await read(node);
        if (holds(v)) {
          seenAt[i] = Date.now();
          values[i] = v;
          return;
        }
        if (opts.show) last[i] = opts.show(v);
      } catch (err) {
        errors[i] = (err as Error).message;
      }
      if (Date.now() > deadline) {
        throw new Error(`timed out after ${opts.timeoutMs} ms waiting for ${opts.label} on node-${i}${last[i] ? ` (last seen: ${last[i]})` : ''}${errors[i] ? ` (last error: ${errors[i]})` : ''}`);
      }
      await sleep(opts.everyMs);
    }
  }));
  return { seenAt, values };
}
