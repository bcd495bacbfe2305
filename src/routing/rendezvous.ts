/**
 * Rendezvous (highest-random-weight) hashing: every member gets a score hash(key, member) and
 * the highest score owns the key. Deterministic across processes and machines (SHA-256, no
 * seed), roughly uniform, and when a member leaves only the keys it owned move.
 *
 * Used to choose the one node that sends half-open probes for a deployment
 * (key = deployment id, members = live node ids), so the cluster does not probe N times.
 */
import { createHash } from 'node:crypto';

/** 64-bit score of (key, member), as an unsigned bigint. */
export function rendezvousScore(key: string, member: string): bigint {
  // A NUL separator keeps ("ab","c") and ("a","bc") apart.
  return createHash('sha256').update(key).update('\u0000').update(member).digest().readBigUInt64BE(0);
}

function better(a: { id: string; score: bigint }, b: { id: string; score: bigint }): boolean {
  return a.score > b.score || (a.score === b.score && a.id < b.id);
}

/** The member that owns `key`; null when there are no members. Duplicates are harmless. */
export function pickOwner(key: string, memberIds: Iterable<string>): string | null {
  let best: { id: string; score: bigint } | null = null;
  for (const id of memberIds) {
    const candidate = { id, score: rendezvousScore(key, id) };
    if (best === null || better(candidate, best)) best = candidate;
  }
  return best?.id ?? null;
}

/** All distinct members ordered by preference for `key` (owner first): for fallbacks or top-k. */
export function rankMembers(key: string, memberIds: Iterable<string>): string[] {
  return [...new Set(memberIds)]
    .map((id) => ({ id, score: rendezvousScore(key, id) }))
    .sort((a, b) => (better(a, b) ? -1 : better(b, a) ? 1 : 0))
    .map((s) => s.id);
}
