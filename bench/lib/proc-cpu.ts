/**
 * CPU time of another process (all its threads, user + system), read from /proc. Linux only; elsewhere
 * every reading is null and callers report "n/a". Resolution is one clock tick (10 ms at the usual
 * USER_HZ of 100), so measure over seconds, not single requests.
 */
import { readFileSync } from 'node:fs';

const USER_HZ = 100;
const US_PER_TICK = 1e6 / USER_HZ;

export function processCpuUs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses; the fields we need follow the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // rest[0] is field 3 (state), so utime (field 14) is rest[11] and stime (field 15) rest[12].
    const ticks = Number(rest[11]) + Number(rest[12]);
    return Number.isFinite(ticks) ? ticks * US_PER_TICK : null;
  } catch {
    return null;
  }
}
