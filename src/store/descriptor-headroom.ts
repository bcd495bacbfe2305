/**
 * Whether an lmdb environment may be opened now, given the process's free file descriptors.
 *
 * lmdb-js 3.5 corrupts the C heap when `mdb_env_open` fails part-way: its error path deletes the
 * environment's ExtendedEnv and `closeEnv` then uses and deletes it again. EMFILE with one or two descriptors
 * free (the data file opened, the lock file not) does that, and the process aborts later, often in another
 * thread (`free(): invalid pointer`, a SIGSEGV). A node whose sockets use up the open-files limit would hit
 * that window sooner or later if it kept opening segments.
 *
 * Probing (opening a few descriptors and closing them) is not enough: under exhaustion uWS's accept loop
 * takes a freed descriptor within microseconds. So an open needs a wide margin, counted; after a refusal
 * the count is not repeated for a second, and a generous count is trusted for a moment, because counting
 * lists /proc/self/fd (about 1 µs per open descriptor).
 */
import { freeDescriptors } from '../core/descriptors.js';

/** Free descriptors needed to open an environment (an open takes 2–3). */
export const OPEN_MARGIN = 256;
/** After a refusal, no recount for this long. */
const RECHECK_AFTER_REFUSAL_MS = 1000;
/** A count of at least TRUST_ABOVE free is reused for this long. */
const TRUST_MS = 250;
const TRUST_ABOVE = OPEN_MARGIN * 8;

export class DescriptorHeadroom {
  private refusedUntil = 0;
  private trustedUntil = 0;

  constructor(
    private readonly count: () => number | undefined = freeDescriptors,
    private readonly now: () => number = Date.now,
  ) {}

  /** True when an environment may be opened now. */
  allowsOpen(): boolean {
    const t = this.now();
    if (t < this.trustedUntil) return true;
    if (t < this.refusedUntil) return false;
    const free = this.count();
    if (free === undefined || free >= OPEN_MARGIN) {
      if (free === undefined || free >= TRUST_ABOVE) this.trustedUntil = t + TRUST_MS;
      return true;
    }
    this.refusedUntil = t + RECHECK_AFTER_REFUSAL_MS;
    return false;
  }
}

/** One per process: the descriptor table is shared by every thread and store. */
export const descriptorHeadroom = new DescriptorHeadroom();

/** Thrown instead of opening an environment without headroom; nothing reached lmdb. */
export class DescriptorsExhaustedError extends Error {
  readonly code = 'EMFILE';
  constructor(what: string) {
    super(`not opening ${what}: fewer than ${OPEN_MARGIN} file descriptors are free (the open-files limit is nearly reached)`);
    this.name = 'DescriptorsExhaustedError';
  }
}
