/** Control-plane calls behind the governance admin API (workers have already checked the caller's role). */
import type { Actor, GovernanceService } from '../governance/index.js';
import type { ControlPlane } from './control.js';

type A = Record<string, any>;
const actor = (a: A): Actor => ({ kind: a.actor?.kind === 'user' ? 'user' : 'admin_token', id: String(a.actor?.id ?? 'unknown') });

export function registerGovernanceRpc(control: ControlPlane, g: GovernanceService): void {
  const h = (name: string, fn: (a: A) => unknown) => control.handle(name, (args) => fn((args ?? {}) as A));
  h('gov.keys.list', () => g.listKeys().map(publicKey));
  h('gov.keys.get', (a) => publicKey(g.getKey(String(a.id))));
  h('gov.keys.create', (a) => { const r = g.createKey(actor(a), a.input ?? {}); return { key: r.key, ...publicKey(r.record) }; });
  h('gov.keys.update', (a) => publicKey(g.updateKey(actor(a), String(a.id), a.patch ?? {})));
  h('gov.keys.revoke', (a) => publicKey(g.revokeKey(actor(a), String(a.id))));
  h('gov.keys.delete', (a) => { g.deleteKey(actor(a), String(a.id)); return { deleted: true, id: a.id }; });
  h('gov.entity.list', (a) => g.listEntities(a.entity));
  h('gov.entity.get', (a) => g.getEntity(a.entity, String(a.id)));
  h('gov.entity.upsert', (a) => g.upsertEntity(actor(a), a.entity, a.input ?? {}, a.id));
  h('gov.entity.delete', (a) => { g.deleteEntity(actor(a), a.entity, String(a.id)); return { deleted: true, id: a.id }; });
  h('gov.users.list', () => g.listUsers().map(({ tokenHash: _t, ...u }) => u));
  h('gov.users.create', (a) => { const r = g.createUser(actor(a), a.input ?? {}); const { tokenHash: _t, ...user } = r.user; return { token: r.token, ...user }; });
  h('gov.users.delete', (a) => { g.deleteUser(actor(a), String(a.id)); return { deleted: true, id: a.id }; });
  h('gov.settings.get', () => ({ enforce_auth: g.settings().enforceAuth }));
  h('gov.settings.update', (a) => ({ enforce_auth: g.updateSettings(actor(a), a.patch ?? {}).enforceAuth }));
  h('gov.usage', (a) => g.usage({ groupBy: a.groupBy, granularity: a.granularity, from: a.from, to: a.to, value: a.value }));
  h('gov.audit', (a) => g.auditEntries({ limit: a.limit }));
  h('gov.providers.list', () => g.listProviders());
  h('gov.providers.put', (a) => g.putProvider(actor(a), String(a.name), a.input ?? {}));
  h('gov.providers.delete', (a) => { g.deleteProvider(actor(a), String(a.name)); return { deleted: true, name: a.name }; });
}

/** A key as the API shows it: never the hash (and the key itself only once, at creation). */
function publicKey(k: { hash?: string } & Record<string, unknown>) {
  const { hash: _h, ...rest } = k;
  return rest;
}
