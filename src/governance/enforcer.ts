/**
 * Worker-side enforcement: authenticate the virtual key, check rate limits, concurrency and every budget up
 * the key -> team -> customer chain, and account for the request when it ends. Decisions use the latest
 * control-plane snapshot (cluster-wide totals) plus this worker's own deltas not yet in that snapshot plus
 * the estimated cost of its requests in flight, so a node never overspends by more than what other nodes
 * admitted during one propagation delay (see overshoot.md).
 */
import { GatewayError } from '../core/errors.js';
import type { RequestState } from '../core/request-state.js';
import type { Usage } from '../core/types.js';
import { authError, KeyIndex } from './auth.js';
import { budgetExceededError, chain, check, exhaustedProviders, mapDirectory, resolve, spendTargets, type BudgetLevel, type Resolved } from './hierarchy.js';
import { extractKey, hashKey, KEY_PREFIX } from './keys.js';
import type { Customer, Team, VirtualKey } from './model.js';
import { deploymentAllowed } from './patterns.js';
import { ConcurrencyLimiter, checkRateLimits, rateIncrements, rateLimitedError, type RateScope } from './rate-limit.js';
import { SharedConcurrency } from './shared-concurrency.js';
import type { GovernanceSnapshot, UsageBatch, UsageEvent } from './snapshot.js';
import { addUsageCounters } from './usage.js';

const RATE_KEEP_MS = 3 * 60_000;
const SPEND_KEEP_MS = 24 * 3600_000;

export type PriceFn = (provider: string, model: string, usage: Usage, overrides: GovernanceSnapshot['pricing']) => number;

/** What admission hands to the router and to settlement. */
export interface Ticket {
  key: VirtualKey;
  team?: Team;
  customer?: Customer;
  levels: BudgetLevel[];
  scopes: RateScope[];
  reserved: Array<[string, number]>;
  release: () => void;
  /** Per deployment: null when this key may use it, else why not. */
  allow(d: { providerName: string; model: string }): GatewayError | null;
}

interface Pending { seq: number; key: string; amount: number }

const EST_CHARS_PER_TOKEN = 4;
const DEFAULT_EST_OUTPUT = 256;

export class Enforcer {
  private snap?: GovernanceSnapshot;
  private index = new KeyIndex();
  private teams = new Map<string, Team>();
  private customers = new Map<string, Customer>();
  /** Node-wide when the main thread shares its buffer, else per worker. */
  private readonly concurrency: { tryAcquire(scopes: readonly RateScope[]): (() => void) | null };
  /** Deltas sent (or about to be) but not yet reflected in the snapshot. */
  private pending: Pending[] = [];
  private readonly pendingTotals = new Map<string, number>();
  private readonly reservations = new Map<string, number>();
  private seq = 1;
  /** Counter deltas to send, summed per key between flushes: [amount, expiresAt]. */
  private outbox = new Map<string, [number, number]>();
  /** Budget chains per key object (a new snapshot brings new objects, so stale entries are never hit). */
  private chains = new WeakMap<VirtualKey, { team?: Team; customer?: Customer; from: number; until: number; levels: BudgetLevel[] }>();

  /** Adds an event's counter deltas to the outbox (aggregated: one entry per counter per batch). */
  private emit(e: UsageEvent): void {
    for (const [k, end] of e.spendKeys) this.add(k, e.costUsd, end + SPEND_KEEP_MS);
    for (const [k, a] of e.rateKeys) this.add(k, a, e.at + RATE_KEEP_MS);
    if (e.provider) addUsageCounters(e, this.addCounter);
  }

  private readonly addCounter = (key: string, amount: number, expiresAt: number) => this.add(key, amount, expiresAt);

  private add(key: string, amount: number, expiresAt: number): void {
    if (!(amount > 0)) return;
    const cur = this.outbox.get(key);
    if (cur) { cur[0] += amount; if (expiresAt > cur[1]) cur[1] = expiresAt; } else this.outbox.set(key, [amount, expiresAt]);
  }

  constructor(private readonly worker: number, private readonly price: PriceFn, shared?: SharedArrayBuffer) {
    this.concurrency = shared ? new SharedConcurrency(shared, worker) : new ConcurrencyLimiter();
  }

  apply(snap: GovernanceSnapshot): void {
    this.snap = snap;
    this.index = new KeyIndex(snap.keys);
    this.teams = new Map(snap.teams.map((t) => [t.id, t]));
    this.customers = new Map(snap.customers.map((c) => [c.id, c]));
    const ack = snap.acks[this.worker] ?? 0;
    if (ack > 0 && this.pending.length) {
      const keep: Pending[] = [];
      for (const p of this.pending) {
        if (p.seq <= ack) this.addTotal(p.key, -p.amount);
        else keep.push(p);
      }
      this.pending = keep;
    }
  }

  get snapshot(): GovernanceSnapshot | undefined { return this.snap; }

  private addTotal(key: string, amount: number): void {
    const v = (this.pendingTotals.get(key) ?? 0) + amount;
    if (Math.abs(v) < 1e-12) this.pendingTotals.delete(key);
    else this.pendingTotals.set(key, v);
  }

  private addPending(key: string, amount: number): void {
    this.pending.push({ seq: this.seq, key, amount });
    this.addTotal(key, amount);
  }

  /** Cluster total + this worker's unacknowledged deltas. */
  private value = (key: string): number => (this.snap?.counters[key] ?? 0) + (this.pendingTotals.get(key) ?? 0);
  private reservedOf = (key: string): number => this.reservations.get(key) ?? 0;

  /** Takes the batch of usage events to send to the main thread (the sequence number acknowledges it later). */
  drain(): UsageBatch | undefined {
    if (this.outbox.size === 0) return undefined;
    const counters: UsageBatch['counters'] = [];
    for (const [k, [a, exp]] of this.outbox) counters.push([k, a, exp]);
    const batch = { worker: this.worker, seq: this.seq, counters };
    this.outbox = new Map();
    this.seq++;
    return batch;
  }

  /**
   * Authenticates and admits a request, or throws the client's error (401, 402, 403 is left to the router
   * via `allow`, 429). Returns undefined for anonymous requests when auth is not enforced.
   */
  admit(st: RequestState, body: { model?: unknown; messages?: unknown; max_tokens?: unknown; max_completion_tokens?: unknown }, now = Date.now()): Ticket | undefined {
    const snap = this.snap;
    const enforce = snap?.settings.enforceAuth ?? false;
    const presented = st.credentials ? extractKey(st.credentials) : null;
    if (!presented || (!enforce && !presented.startsWith(KEY_PREFIX))) {
      // Without enforce_auth, callers without a virtual key (or with their own provider key) are anonymous.
      if (enforce) throw authError('missing');
      return undefined;
    }
    const auth = this.index.authenticate(presented, now);
    if (!auth.ok) throw authError(auth.reason);
    const key = auth.key;
    const r = resolve(key, mapDirectory(this.teams, this.customers));
    st.principal = { keyId: key.id, keyName: key.name, teamId: r.team?.id, customerId: r.customer?.id };

    const scopes: RateScope[] = [{ level: 'key', id: key.id, limits: key.limits }];
    if (r.team) scopes.push({ level: 'team', id: r.team.id, limits: r.team.limits });
    const estTokens = estimateTokens(body);
    const decision = checkRateLimits(scopes, this.value, now, { requests: 1, tokens: estTokens });
    for (const [h, v] of Object.entries(decision.headers)) st.setHeader(h, v);
    if (!decision.allowed) throw rateLimitedError(decision);

    const release = this.concurrency.tryAcquire(scopes);
    if (!release) {
      throw new GatewayError({ status: 429, type: 'rate_limit_error', code: 'concurrency_limit_exceeded', retryAfter: 1, message: 'Too many concurrent requests for this key or its team.' });
    }
    const levels = this.budgetChain(r, now);
    const general = levels.filter((l) => l.budget.provider === undefined);
    const est = this.estimateCost(body, estTokens);
    const b = check(general, this.value, (k) => this.reservedOf(k) + est, now);
    if (!b.ok) {
      release();
      throw budgetExceededError(b);
    }
    const reserved: Array<[string, number]> = [];
    for (const l of general) {
      this.reservations.set(l.counterKey, this.reservedOf(l.counterKey) + est);
      reserved.push([l.counterKey, est]);
    }
    const requestIncs = rateIncrements(scopes, now, { requests: 1 });
    for (const inc of requestIncs) this.addPending(inc.key, inc.amount);
    this.emit({ at: now, keyId: key.id, provider: '', model: '', costUsd: 0, inputTokens: 0, outputTokens: 0, spendKeys: [], rateKeys: requestIncs.map((i) => [i.key, i.amount]) });

    const exhausted = exhaustedProviders(levels, this.value, (k) => this.reservedOf(k));
    return {
      key, team: r.team, customer: r.customer, levels, scopes, reserved, release,
      allow: (d) => {
        if (!deploymentAllowed(key, { provider: d.providerName, model: d.model, requested: typeof body.model === 'string' ? body.model : undefined })) {
          return new GatewayError({ status: 403, type: 'permission_error', code: 'model_not_allowed', param: 'model', message: `This key may not use the model \`${String(body.model)}\` (${d.providerName}/${d.model}).` });
        }
        if (exhausted.has(d.providerName)) {
          const l = levels.find((x) => x.budget.provider === d.providerName)!;
          const c = check([l], this.value, (k) => this.reservedOf(k), now);
          if (!c.ok) return budgetExceededError(c);
        }
        return null;
      },
    };
  }

  /**
   * The key's budget chain, reused while every window in it is current: the windows and counter keys only
   * change when one of them ends (or the key, its team or its customer is replaced by a new snapshot).
   */
  private budgetChain(r: Resolved, now: number): BudgetLevel[] {
    const m = this.chains.get(r.key);
    if (m && m.team === r.team && m.customer === r.customer && now >= m.from && now < m.until) return m.levels;
    const levels = chain(r, now);
    let until = Infinity;
    for (const l of levels) if (l.resetAt < until) until = l.resetAt;
    this.chains.set(r.key, { team: r.team, customer: r.customer, from: now, until, levels });
    return levels;
  }

  /** Accounts a finished request: actual cost against every budget, actual tokens against tpm limits. */
  settle(t: Ticket, st: RequestState, now = Date.now()): void {
    t.release();
    for (const [k, est] of t.reserved) {
      const v = this.reservedOf(k) - est;
      if (v <= 1e-12) this.reservations.delete(k);
      else this.reservations.set(k, v);
    }
    const usage = st.usage;
    const provider = st.provider ?? '';
    const model = st.model ?? '';
    const cost = usage && provider ? this.price(provider, model, usage, this.snap?.pricing ?? {}) : 0;
    st.costUsd = cost;
    const ends = new Map(t.levels.map((l) => [l.counterKey, l.resetAt]));
    const spendKeys = provider ? spendTargets(t.levels, provider).map((k) => [k, ends.get(k) ?? now] as [string, number]) : [];
    if (cost > 0) for (const [k] of spendKeys) this.addPending(k, cost);
    const tokens = usage ? (usage.prompt_tokens ?? 0) + (usage.completion_tokens ?? 0) : 0;
    const rateKeys = rateIncrements(t.scopes, now, { tokens }).map((i) => [i.key, i.amount] as [string, number]);
    for (const [k, a] of rateKeys) this.addPending(k, a);
    this.emit({
      at: now, keyId: t.key.id, teamId: t.team?.id, customerId: t.customer?.id, provider, model, costUsd: cost,
      inputTokens: usage?.prompt_tokens ?? 0, outputTokens: usage?.completion_tokens ?? 0, spendKeys: cost > 0 ? spendKeys : [], rateKeys,
    });
  }

  /** Anonymous requests are accounted for usage reporting only. */
  account(st: RequestState, now = Date.now()): void {
    const usage = st.usage;
    if (!st.provider) return;
    const cost = usage ? this.price(st.provider, st.model ?? '', usage, this.snap?.pricing ?? {}) : 0;
    st.costUsd = cost;
    this.emit({ at: now, provider: st.provider, model: st.model ?? '', costUsd: cost, inputTokens: usage?.prompt_tokens ?? 0, outputTokens: usage?.completion_tokens ?? 0, spendKeys: [], rateKeys: [] });
  }

  /** Estimated cost reserved at admission: prompt (from its length) + max output tokens, at the most expensive configured or bundled price of the requested model. */
  private estimateCost(body: { model?: unknown; max_tokens?: unknown; max_completion_tokens?: unknown }, promptTokens: number): number {
    const model = typeof body.model === 'string' ? body.model : '';
    const slash = model.indexOf('/');
    const provider = slash > 0 ? model.slice(0, slash) : '';
    const name = slash > 0 ? model.slice(slash + 1) : model;
    const out = typeof body.max_completion_tokens === 'number' ? body.max_completion_tokens : typeof body.max_tokens === 'number' ? body.max_tokens : DEFAULT_EST_OUTPUT;
    const usage: Usage = { prompt_tokens: promptTokens, completion_tokens: out, total_tokens: promptTokens + out };
    return this.price(provider, name, usage, this.snap?.pricing ?? {}, ) || 0;
  }
}

/** Rough prompt size for admission: characters / 4 over the message text, plus the requested output. */
export function estimateTokens(body: { messages?: unknown; max_tokens?: unknown; max_completion_tokens?: unknown }): number {
  let chars = 0;
  if (Array.isArray(body.messages)) {
    for (const m of body.messages as Array<{ content?: unknown }>) {
      if (typeof m?.content === 'string') chars += m.content.length;
      else if (Array.isArray(m?.content)) for (const p of m.content as Array<{ text?: unknown }>) if (typeof p?.text === 'string') chars += p.text.length;
    }
  }
  return Math.ceil(chars / EST_CHARS_PER_TOKEN);
}

export { hashKey };
