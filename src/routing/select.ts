/**
 * Weighted random selection over effective weights. The random source is injected so
 * decisions are reproducible in tests (and, with a shared seed, across nodes).
 *
 * Only candidates that are eligible (when the flag is present) and have a finite effective
 * weight > 0 can ever be chosen: weight-0 and open-circuit deployments are never picked.
 */

export interface Candidate {
  id: string;
  effective: number;
  eligible?: boolean;
}

/** A function returning a number in [0, 1), like Math.random. */
export type Rand = () => number;

function pickable(c: Candidate): boolean {
  return c.eligible !== false && Number.isFinite(c.effective) && c.effective > 0;
}

function unit(rand: Rand): number {
  const r = rand();
  // Out-of-contract values are clamped instead of throwing: a bad RNG must not break routing.
  return Number.isFinite(r) ? Math.min(Math.max(r, 0), 1) : 0;
}

/** Index into `items` chosen with probability proportional to effective weight; -1 if none. */
function pickIndex(items: readonly Candidate[], rand: Rand): number {
  let total = 0;
  let last = -1;
  for (let i = 0; i < items.length; i++) {
    if (pickable(items[i]!)) {
      total += items[i]!.effective;
      last = i;
    }
  }
  if (last < 0) return -1;
  let target = unit(rand) * total;
  for (let i = 0; i < items.length; i++) {
    const c = items[i]!;
    if (!pickable(c)) continue;
    if (target < c.effective) return i;
    target -= c.effective;
  }
  return last; // rand() === 1 or float rounding at the top end
}

/** One deployment id chosen by weight, or null when nothing is pickable. Consumes one rand(). */
export function pickWeighted(candidates: readonly Candidate[], rand: Rand): string | null {
  const i = pickIndex(candidates, rand);
  return i < 0 ? null : candidates[i]!.id;
}

/**
 * A full try order: weighted sampling without replacement, so the first attempt follows the
 * weights and each retry goes to a deployment not tried yet. Non-pickable candidates are left
 * out. `maxAttempts` truncates the order.
 */
export function orderForAttempts(candidates: readonly Candidate[], rand: Rand, maxAttempts = Infinity): string[] {
  const remaining = candidates.filter(pickable);
  const order: string[] = [];
  while (remaining.length > 0 && order.length < maxAttempts) {
    const i = pickIndex(remaining, rand);
    order.push(remaining[i]!.id);
    remaining.splice(i, 1);
  }
  return order;
}
