/**
 * Bounded label values. A label fed from client input (model names) or from unbounded configuration
 * (deployments, keys, teams) keeps at most a fixed number of distinct values; later ones are reported as
 * "other", so nobody can blow up the cardinality of the exposition with made-up names.
 */

export const OTHER = 'other';
export const DEFAULT_MAX_LABEL_VALUES = 200;

/** Keeps at most `max` distinct values of a label; the rest become "other". */
export class LabelLimiter {
  private readonly seen = new Set<string>();
  constructor(private readonly max: number) {}
  value(v: string | undefined): string {
    if (!v) return '';
    if (this.seen.has(v)) return v;
    if (this.seen.size >= this.max) return OTHER;
    this.seen.add(v);
    return v;
  }
}

/** "2xx", "4xx", ... — the status label of latency histograms, where one series per exact code is too many. */
export function statusClass(status: number): string {
  return status >= 100 && status < 600 ? `${Math.floor(status / 100)}xx` : 'unknown';
}

/** Circuit states as gauge values: ordered so that `max` across workers reports the worst one. */
export const CIRCUIT_VALUE = { closed: 0, half_open: 1, open: 2 } as const;
export type CircuitStatus = keyof typeof CIRCUIT_VALUE;
