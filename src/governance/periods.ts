/**
 * Budget period windows. A window is [start, end) in epoch ms (UTC). Calendar-aligned windows start at
 * the UTC minute/hour/day, ISO week (Monday), month or year; rolling windows repeat every period from the
 * budget's anchor (its createdAt, else its owner's). The counter key embeds the window start, so spend
 * recorded in a new window lands on a fresh counter that starts at 0 — no reset job, no cross-node race.
 */
import type { Budget, Period } from './model.js';

export interface PeriodWindow {
  start: number;
  end: number;
}

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
export const WEEK_MS = 7 * DAY_MS;

/** Fixed-length periods; months and years vary and are handled by calendar arithmetic. */
const FIXED_MS: Partial<Record<Period, number>> = { '1m': MINUTE_MS, '1h': HOUR_MS, '1d': DAY_MS, '1w': WEEK_MS };

export interface WindowOptions {
  calendarAligned?: boolean;
  /** Start of the first rolling window (epoch ms). Ignored when calendarAligned. Default 0. */
  anchor?: number;
}

/** The window of `period` that contains `now`. */
export function periodWindow(period: Period, now: number, opts: WindowOptions = {}): PeriodWindow {
  return opts.calendarAligned ? calendarWindow(period, now) : rollingWindow(period, now, opts.anchor ?? 0);
}

export function calendarWindow(period: Period, now: number): PeriodWindow {
  const fixed = FIXED_MS[period];
  if (fixed !== undefined && period !== '1w') {
    const start = Math.floor(now / fixed) * fixed; // minutes/hours/days have no leap seconds in epoch ms
    return { start, end: start + fixed };
  }
  const d = new Date(now);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  switch (period) {
    case '1w': {
      const dayStart = Math.floor(now / DAY_MS) * DAY_MS;
      const sinceMonday = (new Date(dayStart).getUTCDay() + 6) % 7; // getUTCDay: 0 = Sunday
      const start = dayStart - sinceMonday * DAY_MS;
      return { start, end: start + WEEK_MS };
    }
    case '1M':
      return { start: Date.UTC(y, m, 1), end: Date.UTC(y, m + 1, 1) };
    case '1Y':
      return { start: Date.UTC(y, 0, 1), end: Date.UTC(y + 1, 0, 1) };
    default:
      throw new Error(`unknown period ${String(period)}`);
  }
}

export function rollingWindow(period: Period, now: number, anchor: number): PeriodWindow {
  const fixed = FIXED_MS[period];
  if (fixed !== undefined) {
    const start = anchor + Math.floor((now - anchor) / fixed) * fixed;
    return { start, end: start + fixed };
  }
  const step = period === '1Y' ? 12 : 1;
  const a = new Date(anchor);
  const b = new Date(now);
  let k = Math.floor(((b.getUTCFullYear() - a.getUTCFullYear()) * 12 + (b.getUTCMonth() - a.getUTCMonth())) / step);
  // The estimate is off by at most one window (day-of-month / time-of-day); settle it exactly.
  while (addMonths(anchor, k * step) > now) k--;
  while (addMonths(anchor, (k + 1) * step) <= now) k++;
  return { start: addMonths(anchor, k * step), end: addMonths(anchor, (k + 1) * step) };
}

export function daysInMonth(year: number, month0: number): number {
  return new Date(Date.UTC(year, month0 + 1, 0)).getUTCDate();
}

/**
 * `t` plus `months` calendar months, keeping the time of day and clamping the day to the target month's
 * length (Jan 31 + 1 month = Feb 28/29). Always computed from the original anchor, so a rolling monthly
 * budget created on the 31st returns to the 31st in long months instead of drifting to the 28th.
 */
export function addMonths(t: number, months: number): number {
  const d = new Date(t);
  const total = d.getUTCMonth() + months;
  const year = d.getUTCFullYear() + Math.floor(total / 12);
  const month = ((total % 12) + 12) % 12;
  const day = Math.min(d.getUTCDate(), daysInMonth(year, month));
  return Date.UTC(year, month, day, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds());
}

export type EntityKind = 'key' | 'team' | 'customer';

/** Whatever owns a budget; createdAt anchors rolling windows when the budget has no createdAt of its own. */
export interface BudgetOwner {
  kind: EntityKind;
  id: string;
  createdAt?: number;
}

export function budgetWindow(budget: Budget, owner: BudgetOwner, now: number): PeriodWindow {
  return periodWindow(budget.period, now, {
    calendarAligned: budget.calendarAligned === true,
    anchor: budget.createdAt ?? owner.createdAt ?? 0,
  });
}

/**
 * Counter key for the spend of `owner` under `budget` in the window containing `now`, e.g.
 * `spend:team:eng:*:1d:c:1709251200000`. Ids and provider names are URI-encoded so ':' cannot forge a key.
 * Budgets with the same owner, provider, period and window share one counter (spend is spend).
 */
export function periodKey(budget: Budget, owner: BudgetOwner, now: number): string {
  const w = budgetWindow(budget, owner, now);
  const provider = budget.provider === undefined ? '*' : encodeKeyPart(budget.provider);
  const align = budget.calendarAligned === true ? 'c' : 'r';
  return `spend:${owner.kind}:${encodeKeyPart(owner.id)}:${provider}:${budget.period}:${align}:${w.start}`;
}

/** URI-encoding plus '*', which the key format reserves for "all providers". */
export function encodeKeyPart(s: string): string {
  return encodeURIComponent(s).replace(/\*/g, '%2A');
}
