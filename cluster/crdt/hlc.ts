/**
 * Hybrid logical clock (Kulkarni et al.): a wall-clock millisecond plus a logical counter, so that
 * timestamps follow causality even when peers' clocks drift, and stay close to real time.
 * The node id is the final tie-break, which makes the order total across the cluster.
 */
export interface Hlc {
  wall: number;
  logical: number;
  node: string;
}

/** Total order: wall, then logical, then node id. */
export function compareHlc(a: Hlc, b: Hlc): number {
  if (a.wall !== b.wall) return a.wall < b.wall ? -1 : 1;
  if (a.logical !== b.logical) return a.logical < b.logical ? -1 : 1;
  if (a.node !== b.node) return a.node < b.node ? -1 : 1;
  return 0;
}

export class HybridClock {
  private wall = 0;
  private logical = 0;

  constructor(
    readonly node: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** A fresh timestamp, strictly greater than every timestamp issued or observed before. */
  tick(): Hlc {
    const physical = this.now();
    if (physical > this.wall) {
      this.wall = physical;
      this.logical = 0;
    } else {
      this.logical++;
    }
    return { wall: this.wall, logical: this.logical, node: this.node };
  }

  /** Moves the clock past a remote timestamp so our next write orders after what we have seen. */
  observe(remote: Hlc): void {
    if (remote.wall > this.wall) {
      this.wall = remote.wall;
      this.logical = remote.logical;
    } else if (remote.wall === this.wall && remote.logical > this.logical) {
      this.logical = remote.logical;
    }
  }
}
