/**
 * Key -> team -> customer resolution and the budget chain: every budget that governs a request, each with
 * the counter key its spend accumulates under in the current window. `check` finds the first level that is
 * exhausted so the pipeline can answer 402 `budget_exceeded` naming it.
 */
import { GatewayError } from '../core/errors.js';
import type { Budget, Customer, Team, VirtualKey } from './model.js';
import { budgetWindow, periodKey, type BudgetOwner, type EntityKind } from './periods.js';

export interface Directory {
  team(id: string): Team | undefined;
  customer(id: string): Customer | undefined;
}

/** A directory over plain maps (what a config snapshot usually holds). */
export function mapDirectory(teams: ReadonlyMap<string, Team>, customers: ReadonlyMap<string, Customer>): Directory {
  return { team: (id) => teams.get(id), customer: (id) => customers.get(id) };
}

export interface Resolved {
  key: VirtualKey;
  team?: Team;
  customer?: Customer;
  /** References that point at nothing (e.g. "team:eng" after the team was deleted). */
  dangling: string[];
}

/** The key's team, and the customer of the key (its own customerId wins) or else of its team. */
export function resolve(key: VirtualKey, dir: Directory): Resolved {
  const dangling: string[] = [];
  let team: Team | undefined;
  if (key.teamId !== undefined) {
    team = dir.team(key.teamId);
    if (!team) dangling.push(`team:${key.teamId}`);
  }
  const customerId = key.customerId ?? team?.customerId;
  let customer: Customer | undefined;
  if (customerId !== undefined) {
    customer = dir.customer(customerId);
    if (!customer) dangling.push(`customer:${customerId}`);
  }
  return { key, team, customer, dangling };
}

export type BudgetLevelName = 'key' | 'key:provider' | 'team' | 'team:provider' | 'customer' | 'customer:provider';

export interface BudgetLevel {
  level: BudgetLevelName;
  entity: EntityKind;
  entityId: string;
  budget: Budget;
  counterKey: string;
  /** End of the current window (epoch ms): when this budget resets. */
  resetAt: number;
}

export interface ChainOptions {
  /**
   * The provider the request goes to. Given: provider-specific budgets of other providers are left out.
   * Absent (admission before routing, or listing): every provider-specific budget is included.
   */
  provider?: string;
}

/** Every budget that applies, ordered key, key:provider, team, team:provider, customer, customer:provider. */
export function chain(r: Resolved, now: number, opts: ChainOptions = {}): BudgetLevel[] {
  const out: BudgetLevel[] = [];
  const owners: [EntityKind, BudgetOwner, readonly Budget[]][] = [['key', { kind: 'key', id: r.key.id, createdAt: r.key.createdAt }, r.key.budgets]];
  if (r.team) owners.push(['team', { kind: 'team', id: r.team.id, createdAt: r.team.createdAt }, r.team.budgets]);
  if (r.customer) owners.push(['customer', { kind: 'customer', id: r.customer.id, createdAt: r.customer.createdAt }, r.customer.budgets]);
  for (const [kind, owner, budgets] of owners) {
    for (const wantProvider of [false, true]) {
      for (const budget of budgets) {
        if ((budget.provider !== undefined) !== wantProvider) continue;
        if (wantProvider && opts.provider !== undefined && budget.provider !== opts.provider) continue;
        out.push({
          level: wantProvider ? (`${kind}:provider` as BudgetLevelName) : kind,
          entity: kind,
          entityId: owner.id,
          budget,
          counterKey: periodKey(budget, owner, now),
          resetAt: budgetWindow(budget, owner, now).end,
        });
      }
    }
  }
  return out;
}

/** Spend recorded so far under a counter key (USD), e.g. the merged cluster-wide G-counter. */
/** Spend adds floats: sums like 0.2 + 0.2 + 0.2 must not miss a budget by rounding (a nano-dollar). */
const USD_EPSILON = 1e-9;

export type SpendLookup = (counterKey: string) => number;
/** USD reserved against a counter key: in-flight estimates plus this request's estimate. A number applies to every level. */
export type Reserved = number | ((counterKey: string) => number);

export type BudgetCheck =
  | { ok: true }
  | {
      ok: false;
      level: BudgetLevelName;
      entityId: string;
      provider?: string;
      limitUsd: number;
      spentUsd: number;
      reservedUsd: number;
      counterKey: string;
      resetAt: number;
      /** Whole seconds until the window ends (at least 1). */
      retryAfterSeconds: number;
    };

/**
 * First exhausted level, in chain order. A level is exhausted when spend has reached the amount, or when
 * spend plus reservations would go past it (a request that exactly fills the budget is allowed).
 */
export function check(levels: readonly BudgetLevel[], spend: SpendLookup, reserved: Reserved, now: number): BudgetCheck {
  for (const l of levels) {
    const spent = spend(l.counterKey);
    const res = typeof reserved === 'number' ? reserved : reserved(l.counterKey);
    const amount = l.budget.amountUsd;
    if (spent >= amount - USD_EPSILON || spent + res > amount + USD_EPSILON) {
      return {
        ok: false,
        level: l.level,
        entityId: l.entityId,
        ...(l.budget.provider !== undefined ? { provider: l.budget.provider } : {}),
        limitUsd: amount,
        spentUsd: spent,
        reservedUsd: res,
        counterKey: l.counterKey,
        resetAt: l.resetAt,
        retryAfterSeconds: Math.max(1, Math.ceil((l.resetAt - now) / 1000)),
      };
    }
  }
  return { ok: true };
}

/** Providers whose provider-specific budgets are exhausted: the router should not pick them. */
export function exhaustedProviders(levels: readonly BudgetLevel[], spend: SpendLookup, reserved: Reserved = 0): Set<string> {
  const out = new Set<string>();
  for (const l of levels) {
    const p = l.budget.provider;
    if (p === undefined || out.has(p)) continue;
    const res = typeof reserved === 'number' ? reserved : reserved(l.counterKey);
    if (spend(l.counterKey) >= l.budget.amountUsd - USD_EPSILON || spend(l.counterKey) + res > l.budget.amountUsd + USD_EPSILON) out.add(p);
  }
  return out;
}

/** Counter keys a completed request's cost must be added to (deduplicated), given the provider it went to. */
export function spendTargets(levels: readonly BudgetLevel[], provider: string): string[] {
  const keys = new Set<string>();
  for (const l of levels) if (l.budget.provider === undefined || l.budget.provider === provider) keys.add(l.counterKey);
  return [...keys];
}

const LEVEL_WORDS: Record<BudgetLevelName, string> = {
  key: 'virtual key',
  'key:provider': 'virtual key',
  team: 'team',
  'team:provider': 'team',
  customer: 'customer',
  'customer:provider': 'customer',
};

/** The 402 the client sees. `param` carries the level ("key", "team", "customer", "key:provider", ...). */
export function budgetExceededError(c: Extract<BudgetCheck, { ok: false }>): GatewayError {
  const scope = c.provider !== undefined ? ` for provider ${c.provider}` : '';
  return new GatewayError({
    status: 402,
    type: 'budget_exceeded',
    code: 'budget_exceeded',
    param: c.level,
    retryAfter: c.retryAfterSeconds,
    message:
      `Budget exceeded: ${LEVEL_WORDS[c.level]} '${c.entityId}' budget${scope} of $${c.limitUsd.toFixed(2)} ` +
      `(spent $${c.spentUsd.toFixed(4)}); resets at ${new Date(c.resetAt).toISOString()}`,
  });
}
