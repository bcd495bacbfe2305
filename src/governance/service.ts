/**
 * Governance on the control plane (main thread). Keys, teams, customers, users and settings live in the
 * cluster's last-writer-wins map, spend and rate counters in its G-counters, so every node sees every
 * change and every charge. This service validates admin changes, appends them to the audit chain, folds
 * the workers' usage into the counters, and builds the snapshot workers enforce against.
 */
import { createHash, randomUUID } from 'node:crypto';
import { GatewayError } from '../core/errors.js';
import { AuditChain, type NodeAuditEntry } from './audit-chain.js';
import { chain, mapDirectory, resolve } from './hierarchy.js';
import { displayPrefix, generateKey, hashKey } from './keys.js';
import { parseCustomer, parseTeam, parseVirtualKey, type Customer, type Team, type VirtualKey } from './model.js';
import { parseProvider, publicProvider, resolveProvider, type ProviderOverlay, type StoredProvider } from './provider-config.js';
import { minuteIndex, rateCounterKey, type RateScope } from './rate-limit.js';
import type { AdminUser, GovernanceSnapshot, Settings, UsageBatch } from './snapshot.js';
import { queryUsage, type UsageQuery } from './usage.js';

/** The part of the cluster agent governance needs (structural, so governance does not import cluster/). */
export interface GovernanceStore {
  readonly nodeId: string;
  setConfig(id: string, value: unknown | null): void;
  getConfig(id: string): unknown | undefined;
  configEntries(prefix?: string): Array<[string, unknown]>;
  addCounter(key: string, delta: number, expiresAt?: number): void;
  counter(key: string): number;
  counters(prefix: string): Map<string, number>;
  onChange(listener: (kind: 'counters' | 'config' | 'stats' | 'members') => void): () => void;
}

export interface Actor { kind: 'user' | 'admin_token'; id: string; name?: string }

const P = { key: 'gov/key/', team: 'gov/team/', customer: 'gov/customer/', user: 'gov/user/', settings: 'gov/settings', provider: 'gov/provider/' };
const DEFAULT_SETTINGS: Settings = { enforceAuth: false };
const SNAPSHOT_THROTTLE_MS = 100;

type Entity = 'key' | 'team' | 'customer';

export class GovernanceService {
  private readonly acks: Record<number, number> = {};
  private timer?: NodeJS.Timeout;
  private pendingBuild?: NodeJS.Timeout;
  /** The resolved provider overlay, rebuilt only when the stored entries change. */
  private overlay: { source: string; value: ProviderOverlay } = { source: '', value: { version: '', entries: {} } };
  readonly audit: AuditChain;

  constructor(
    private readonly store: GovernanceStore,
    private readonly publish: (s: GovernanceSnapshot) => void,
    private readonly opts: { adminTokenHashes: string[]; pricing: GovernanceSnapshot['pricing']; defaultEnforceAuth?: boolean },
  ) {
    this.audit = new AuditChain(store);
  }

  start(): void {
    this.store.onChange((kind) => { if (kind === 'config' || kind === 'counters') this.schedule(); });
    // Minute and budget windows roll over with time, not only with changes.
    this.timer = setInterval(() => this.schedule(), 1000);
    this.timer.unref();
    this.build();
  }

  stop(): void {
    clearInterval(this.timer);
    clearTimeout(this.pendingBuild);
  }

  private schedule(): void {
    if (this.pendingBuild) return;
    this.pendingBuild = setTimeout(() => { this.pendingBuild = undefined; this.build(); }, SNAPSHOT_THROTTLE_MS);
    this.pendingBuild.unref();
  }

  private list<T>(prefix: string): T[] {
    return this.store.configEntries(prefix).map(([, v]) => v as T).filter((v) => v !== null && v !== undefined);
  }

  settings(): Settings {
    return { ...DEFAULT_SETTINGS, ...(this.opts.defaultEnforceAuth !== undefined ? { enforceAuth: this.opts.defaultEnforceAuth } : {}), ...((this.store.getConfig(P.settings) as Partial<Settings>) ?? {}) };
  }

  /** The snapshot workers enforce against: config plus every counter of a current window. */
  snapshot(now = Date.now()): GovernanceSnapshot {
    const keys = this.list<VirtualKey>(P.key);
    const teams = this.list<Team>(P.team);
    const customers = this.list<Customer>(P.customer);
    const dir = mapDirectory(new Map(teams.map((t) => [t.id, t])), new Map(customers.map((c) => [c.id, c])));
    const counters: Record<string, number> = {};
    const minute = minuteIndex(now);
    const addRate = (s: RateScope) => {
      for (const metric of ['requests', 'tokens'] as const) {
        if ((metric === 'requests' ? s.limits.rpm : s.limits.tpm) === undefined) continue;
        for (const m of [minute - 1, minute]) {
          const k = rateCounterKey(s.level, s.id, metric, m);
          counters[k] = this.store.counter(k);
        }
      }
    };
    for (const key of keys) {
      const r = resolve(key, dir);
      for (const l of chain(r, now)) counters[l.counterKey] = this.store.counter(l.counterKey);
      addRate({ level: 'key', id: key.id, limits: key.limits });
    }
    for (const t of teams) addRate({ level: 'team', id: t.id, limits: t.limits });
    return {
      at: now, settings: this.settings(), keys, teams, customers, counters, acks: { ...this.acks },
      admin: { tokenHashes: this.opts.adminTokenHashes, users: this.list<AdminUser>(P.user) },
      pricing: this.opts.pricing,
      providers: this.providerOverlay(),
    };
  }

  private providerOverlay(): ProviderOverlay {
    const stored = this.list<StoredProvider>(P.provider).sort((a, b) => (a.name < b.name ? -1 : 1));
    const source = JSON.stringify(stored);
    if (source !== this.overlay.source) {
      const entries: ProviderOverlay['entries'] = {};
      // Entries were validated on write; one that no longer resolves (e.g. written by a newer peer) is skipped.
      for (const p of stored) try { entries[p.name] = resolveProvider(p.name, p.config); } catch { /* skipped */ }
      this.overlay = { source, value: { version: createHash('sha256').update(source).digest('hex').slice(0, 16), entries } };
    }
    return this.overlay.value;
  }

  build(): void {
    this.publish(this.snapshot());
  }

  /** Folds a worker's usage batch into the cluster counters. */
  onUsage(batch: UsageBatch): void {
    for (const [k, amount, expiresAt] of batch.counters) this.store.addCounter(k, amount, expiresAt);
    this.acks[batch.worker] = Math.max(this.acks[batch.worker] ?? 0, batch.seq);
    // Workers count their own unacknowledged deltas, so the snapshot can follow at its usual pace.
    this.schedule();
  }

  // ---- admin operations (callers are already authorized) ----

  private get<T>(prefix: string, id: string, what: string): T {
    const v = this.store.getConfig(prefix + id);
    if (v === undefined || v === null) throw new GatewayError({ status: 404, type: 'not_found_error', code: `${what}_not_found`, message: `No ${what} with id "${id}".` });
    return v as T;
  }

  /** `audited`: what the audit log shows instead of before/after (provider secrets masked). */
  private write(actor: Actor, action: string, id: string, before: unknown, after: unknown, audited?: { before: unknown; after: unknown }): void {
    this.store.setConfig(id, after ?? null);
    const shown = audited ?? { before: withoutHashes(before), after: withoutHashes(after) };
    this.audit.append({ actor: `${actor.kind}:${actor.id}`, action, target: id, before: shown.before, after: shown.after });
    this.build();
  }

  createKey(actor: Actor, input: Record<string, unknown>): { key: string; record: VirtualKey } {
    const g = generateKey();
    const now = Date.now();
    const record = parseVirtualKey({
      budgets: [], limits: {}, metadata: {}, active: true, name: '', ...input,
      id: typeof input.id === 'string' ? input.id : `vk_${randomUUID().replace(/-/g, '').slice(0, 20)}`,
      hash: g.hash, prefix: g.prefix, createdAt: now,
    });
    if (this.store.getConfig(P.key + record.id)) throw conflict('virtual key', record.id);
    this.checkRefs(record.teamId, record.customerId);
    this.write(actor, 'keys.create', P.key + record.id, null, record);
    return { key: g.key, record };
  }

  updateKey(actor: Actor, id: string, patch: Record<string, unknown>): VirtualKey {
    const before = this.get<VirtualKey>(P.key, id, 'virtual_key');
    for (const f of ['id', 'hash', 'prefix', 'createdAt']) if (f in patch) throw new GatewayError({ status: 400, type: 'invalid_request_error', code: 'immutable_field', param: f, message: `${f} cannot be changed.` });
    const after = parseVirtualKey({ ...before, ...patch });
    this.checkRefs(after.teamId, after.customerId);
    this.write(actor, 'keys.update', P.key + id, before, after);
    return after;
  }

  revokeKey(actor: Actor, id: string): VirtualKey {
    const before = this.get<VirtualKey>(P.key, id, 'virtual_key');
    const after = { ...before, active: false };
    this.write(actor, 'keys.revoke', P.key + id, before, after);
    return after;
  }

  deleteKey(actor: Actor, id: string): void {
    const before = this.get<VirtualKey>(P.key, id, 'virtual_key');
    this.write(actor, 'keys.delete', P.key + id, before, null);
  }

  listKeys(): VirtualKey[] { return this.list<VirtualKey>(P.key); }
  getKey(id: string): VirtualKey { return this.get<VirtualKey>(P.key, id, 'virtual_key'); }

  upsertEntity(actor: Actor, entity: 'team' | 'customer', input: Record<string, unknown>, id?: string): Team | Customer {
    const prefix = P[entity];
    const existing = id ? this.get<Team | Customer>(prefix, id, entity) : undefined;
    const base = existing ?? { id: typeof input.id === 'string' ? input.id : `${entity}_${randomUUID().replace(/-/g, '').slice(0, 16)}`, budgets: [], createdAt: Date.now(), ...(entity === 'team' ? { limits: {} } : {}) };
    const merged = { ...base, ...input, id: base.id, createdAt: base.createdAt };
    const after = entity === 'team' ? parseTeam(merged) : parseCustomer(merged);
    if (!existing && this.store.getConfig(prefix + after.id)) throw conflict(entity, after.id);
    if (entity === 'team') this.checkRefs(undefined, (after as Team).customerId);
    this.write(actor, `${entity === 'team' ? 'teams' : 'customers'}.${existing ? 'update' : 'create'}`, prefix + after.id, existing ?? null, after);
    return after;
  }

  deleteEntity(actor: Actor, entity: 'team' | 'customer', id: string): void {
    const before = this.get<unknown>(P[entity], id, entity);
    this.write(actor, `${entity === 'team' ? 'teams' : 'customers'}.delete`, P[entity] + id, before, null);
  }

  listEntities(entity: 'team' | 'customer'): Array<Team | Customer> { return this.list(P[entity]); }
  getEntity(entity: 'team' | 'customer', id: string): Team | Customer { return this.get(P[entity], id, entity); }

  createUser(actor: Actor, input: { name?: unknown; role?: unknown }): { token: string; user: AdminUser } {
    const role = input.role;
    if (role !== 'admin' && role !== 'editor' && role !== 'viewer') throw new GatewayError({ status: 400, type: 'invalid_request_error', code: 'invalid_user', param: 'role', message: 'role must be admin, editor or viewer' });
    if (typeof input.name !== 'string' || !input.name) throw new GatewayError({ status: 400, type: 'invalid_request_error', code: 'invalid_user', param: 'name', message: 'name is required' });
    const token = `sy-user-${generateKey().key.slice(6)}`;
    const user: AdminUser = { id: `user_${randomUUID().replace(/-/g, '').slice(0, 16)}`, name: input.name, role, tokenHash: hashKey(token), createdAt: Date.now() };
    this.write(actor, 'users.create', P.user + user.id, null, { ...user });
    return { token, user };
  }

  deleteUser(actor: Actor, id: string): void {
    const before = this.get<AdminUser>(P.user, id, 'user');
    this.write(actor, 'users.delete', P.user + id, before, null);
  }

  listUsers(): AdminUser[] { return this.list<AdminUser>(P.user); }

  updateSettings(actor: Actor, patch: Record<string, unknown>): Settings {
    const before = this.settings();
    const after: Settings = { ...before };
    for (const [k, v] of Object.entries(patch)) {
      if (k === 'enforce_auth' || k === 'enforceAuth') {
        if (typeof v !== 'boolean') throw new GatewayError({ status: 400, type: 'invalid_request_error', code: 'invalid_settings', param: k, message: `${k} must be a boolean` });
        after.enforceAuth = v;
      } else {
        throw new GatewayError({ status: 400, type: 'invalid_request_error', code: 'invalid_settings', param: k, message: `unknown setting ${k}` });
      }
    }
    this.write(actor, 'settings.update', P.settings, before, after);
    return after;
  }

  /** Adds or replaces an API-managed provider (the config file's provider schema); applied by every worker of every node. */
  putProvider(actor: Actor, name: string, input: unknown): ReturnType<typeof publicProvider> {
    const { config, resolved } = parseProvider(name, input);
    const before = this.store.getConfig(P.provider + name) as StoredProvider | null | undefined;
    const after: StoredProvider = { name, config, updatedAt: Date.now() };
    const shown = publicProvider(resolved, 'api', after.updatedAt);
    this.write(actor, before ? 'providers.update' : 'providers.create', P.provider + name, before ?? null, after, { before: before ? maskedStored(before) : null, after: shown });
    return shown;
  }

  /** Removes an API-managed provider (a provider of the config file cannot be removed this way). */
  deleteProvider(actor: Actor, name: string): void {
    const before = this.get<StoredProvider>(P.provider, name, 'provider');
    this.write(actor, 'providers.delete', P.provider + name, before, null, { before: maskedStored(before), after: null });
  }

  /** API-managed providers, secrets masked. */
  listProviders(): Array<ReturnType<typeof publicProvider>> {
    return this.list<StoredProvider>(P.provider).flatMap((p) => { const m = maskedStored(p); return m ? [m] : []; });
  }

  usage(q: UsageQuery) {
    return queryUsage(this.store.counters('use/'), q);
  }

  auditEntries(opts: { limit?: number } = {}): { entries: NodeAuditEntry[]; verified: Record<string, number | null> } {
    return this.audit.list(opts.limit ?? 200);
  }

  private checkRefs(teamId?: string, customerId?: string): void {
    if (teamId && !this.store.getConfig(P.team + teamId)) throw new GatewayError({ status: 400, type: 'invalid_request_error', code: 'unknown_team', param: 'teamId', message: `No team with id "${teamId}".` });
    if (customerId && !this.store.getConfig(P.customer + customerId)) throw new GatewayError({ status: 400, type: 'invalid_request_error', code: 'unknown_customer', param: 'customerId', message: `No customer with id "${customerId}".` });
  }
}

function maskedStored(p: StoredProvider): ReturnType<typeof publicProvider> | null {
  try { return publicProvider(resolveProvider(p.name, p.config), 'api', p.updatedAt); } catch { return null; }
}

/** Key and token hashes are not secrets, but the audit log has no use for them either. */
function withoutHashes(v: unknown): unknown {
  if (!v || typeof v !== 'object') return v ?? null;
  const { hash: _h, tokenHash: _t, ...rest } = v as Record<string, unknown>;
  return rest;
}

function conflict(what: string, id: string): GatewayError {
  return new GatewayError({ status: 409, type: 'invalid_request_error', code: 'already_exists', message: `A ${what} with id "${id}" already exists.` });
}

export { displayPrefix, type Entity };
