/**
 * Bookkeeping of provider keys put on cooldown (after a 401/403, an exhausted quota, or a 429
 * with Retry-After). Pure functions over an immutable map keyId → cooldown end (ms); the
 * caller keeps the current map and passes `now`. Keys are identified by their config id,
 * never by the secret itself.
 */

export type KeyCooldowns = ReadonlyMap<string, number>;

export const NO_COOLDOWNS: KeyCooldowns = new Map<string, number>();

/** Put `keyId` on cooldown until `until`. An existing longer cooldown is kept, never shortened. */
export function coolDown(state: KeyCooldowns, keyId: string, until: number): KeyCooldowns {
  const current = state.get(keyId);
  if (!Number.isFinite(until) || (current !== undefined && current >= until)) return state;
  const next = new Map(state);
  next.set(keyId, until);
  return next;
}

/** Take `keyId` off cooldown (e.g. the operator replaced the key). */
export function clearCooldown(state: KeyCooldowns, keyId: string): KeyCooldowns {
  if (!state.has(keyId)) return state;
  const next = new Map(state);
  next.delete(keyId);
  return next;
}

export function isCoolingDown(state: KeyCooldowns, keyId: string, now: number): boolean {
  const until = state.get(keyId);
  return until !== undefined && now < until;
}

/** The keys of `keyIds` usable at `now`, in the given order. */
export function availableKeys(keyIds: readonly string[], state: KeyCooldowns, now: number): string[] {
  return keyIds.filter((id) => !isCoolingDown(state, id, now));
}

/** When the first of `keyIds` becomes usable: `now` if one already is, null for no keys. */
export function nextAvailableAt(keyIds: readonly string[], state: KeyCooldowns, now: number): number | null {
  let soonest: number | null = null;
  for (const id of keyIds) {
    const until = state.get(id);
    const at = until === undefined || until <= now ? now : until;
    if (soonest === null || at < soonest) soonest = at;
  }
  return soonest;
}

/** Drop expired entries so the map does not grow forever. */
export function pruneCooldowns(state: KeyCooldowns, now: number): KeyCooldowns {
  let next: Map<string, number> | null = null;
  for (const [id, until] of state) {
    if (until <= now) {
      next ??= new Map(state);
      next.delete(id);
    }
  }
  return next ?? state;
}
