/**
 * V8's heap growing factor for the whole node. Requests that wait seconds on a slow upstream outlive the
 * young generation, so their garbage dies in old space; V8 then lets each heap grow up to 4x its live size
 * before a full GC, and a loaded node's RSS is mostly that slack. The flag is read at every GC, so setting
 * it before the workers start covers them and the main thread.
 */
import { setFlagsFromString } from 'node:v8';

export function applyHeapGrowth(percent: number | undefined): void {
  if (percent) setFlagsFromString(`--heap-growing-percent=${percent}`);
}
