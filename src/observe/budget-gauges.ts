/**
 * Budget headroom as gauges on the main thread, computed at scrape time from the governance snapshot the
 * control plane hands the workers (so the numbers are the ones admission enforces against). One series
 * per configured budget of a key, team or customer, bounded in count.
 */
import { Gauge, type Registry } from 'prom-client';
import { periodKey, type Budget, type EntityKind, type GovernanceSnapshot } from '../governance/index.js';

export interface BudgetGaugeSource {
  snapshot(): GovernanceSnapshot | undefined;
  /**
   * Merged spend under a counter key. The snapshot only carries the counters that some key's budget chain
   * reaches; this covers e.g. a team whose keys were all deleted.
   */
  spend?(counterKey: string): number;
}

export interface BudgetRemaining { level: EntityKind; id: string; period: string; provider: string; remainingUsd: number }

/** Remaining USD of every configured budget in its current window (never below 0), at most `max` of them. */
export function budgetsRemaining(snap: GovernanceSnapshot, now: number, max: number, spend?: (k: string) => number): BudgetRemaining[] {
  const owners: Array<[EntityKind, { id: string; createdAt?: number; budgets: Budget[] }]> = [
    ...snap.keys.map((k) => ['key', k] as [EntityKind, typeof k]),
    ...snap.teams.map((t) => ['team', t] as [EntityKind, typeof t]),
    ...snap.customers.map((c) => ['customer', c] as [EntityKind, typeof c]),
  ];
  // Two budgets with the same labels (e.g. a calendar and a rolling 1d budget) report the tighter one.
  const out = new Map<string, BudgetRemaining>();
  for (const [level, owner] of owners) {
    for (const budget of owner.budgets ?? []) {
      const key = periodKey(budget, { kind: level, id: owner.id, createdAt: owner.createdAt }, now);
      const spent = snap.counters[key] ?? spend?.(key) ?? 0;
      const remainingUsd = Math.max(0, budget.amountUsd - spent);
      const provider = budget.provider ?? '';
      const labels = `${level}\u0000${owner.id}\u0000${budget.period}\u0000${provider}`;
      const prev = out.get(labels);
      if (prev) { prev.remainingUsd = Math.min(prev.remainingUsd, remainingUsd); continue; }
      if (out.size >= max) return [...out.values()];
      out.set(labels, { level, id: owner.id, period: budget.period, provider, remainingUsd });
    }
  }
  return [...out.values()];
}

export function registerBudgetGauge(registry: Registry, max: number, source: () => BudgetGaugeSource | undefined): void {
  new Gauge({
    name: 'switchyard_budget_remaining_usd',
    help: 'USD left in the current window of each configured budget (level = key, team or customer; provider empty = all providers).',
    labelNames: ['level', 'id', 'period', 'provider'], registers: [registry],
    collect() {
      this.reset();
      const s = source();
      const snap = s?.snapshot();
      if (!snap) return;
      for (const b of budgetsRemaining(snap, Date.now(), max, s?.spend?.bind(s))) {
        this.set({ level: b.level, id: b.id, period: b.period, provider: b.provider }, b.remainingUsd);
      }
    },
  });
}
