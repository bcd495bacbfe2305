/**
 * /api routes for governance: virtual keys, teams, customers, users, settings, usage and audit. Workers
 * authorize the caller and forward the operation to the control plane, which validates, writes to the
 * cluster and records the change in the audit chain.
 */
import { openaiDialect } from '../api/index.js';
import { parseJsonObject } from '../api/openai/check.js';
import { GatewayError } from '../core/errors.js';
import type { Action, GovernanceSnapshot } from '../governance/index.js';
import { sendBody, type HttpContext, type Route } from '../http/index.js';
import { authenticateAdmin } from './auth.js';
import type { ControlCall } from './cluster.js';

type Handler = (ctx: HttpContext, body: Buffer | undefined, params: string[], query: string, actor: { kind: string; id: string }) => Promise<unknown>;

export function guarded(snapshot: () => GovernanceSnapshot | undefined, method: Route['method'], pattern: string, action: Action, status: number, fn: Handler): Route {
  return {
    method, pattern, name: 'admin', dialect: openaiDialect, body: method !== 'get' && method !== 'del',
    handle: async (ctx, body, _h, params, query) => {
      const p = authenticateAdmin(ctx, snapshot(), action);
      const out = await fn(ctx, body, params, query, { kind: p.kind, id: p.id });
      sendBody(ctx, status, JSON.stringify(out ?? { ok: true }));
    },
  };
}

const num = (q: URLSearchParams, k: string): number | undefined => {
  const v = q.get(k);
  if (v === null) return undefined;
  const n = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(n)) throw new GatewayError({ status: 400, type: 'invalid_request_error', code: 'invalid_query', param: k, message: `${k} must be epoch milliseconds or an ISO date` });
  return n;
};

export function governanceRoutes(snapshot: () => GovernanceSnapshot | undefined, control: ControlCall): Route[] {
  const r = (method: Route['method'], pattern: string, action: Action, status: number, fn: Handler) => guarded(snapshot, method, pattern, action, status, fn);
  const json = (body: Buffer | undefined) => parseJsonObject(body);
  const entity = (name: 'team' | 'customer', plural: string, action: 'teams' | 'customers'): Route[] => [
    r('get', `/api/${plural}`, `${action}.read`, 200, async () => ({ data: await control('gov.entity.list', { entity: name }) })),
    r('post', `/api/${plural}`, `${action}.write`, 201, async (_c, b, _p, _q, actor) => control('gov.entity.upsert', { actor, entity: name, input: json(b) })),
    r('get', `/api/${plural}/:id`, `${action}.read`, 200, async (_c, _b, p) => control('gov.entity.get', { entity: name, id: p[0] })),
    r('patch', `/api/${plural}/:id`, `${action}.write`, 200, async (_c, b, p, _q, actor) => control('gov.entity.upsert', { actor, entity: name, id: p[0], input: json(b) })),
    r('del', `/api/${plural}/:id`, `${action}.write`, 200, async (_c, _b, p, _q, actor) => control('gov.entity.delete', { actor, entity: name, id: p[0] })),
  ];
  return [
    r('get', '/api/keys', 'keys.read', 200, async () => ({ data: await control('gov.keys.list') })),
    r('post', '/api/keys', 'keys.create', 201, async (_c, b, _p, _q, actor) => control('gov.keys.create', { actor, input: json(b) })),
    r('get', '/api/keys/:id', 'keys.read', 200, async (_c, _b, p) => control('gov.keys.get', { id: p[0] })),
    r('patch', '/api/keys/:id', 'keys.update', 200, async (_c, b, p, _q, actor) => control('gov.keys.update', { actor, id: p[0], patch: json(b) })),
    r('post', '/api/keys/:id/revoke', 'keys.revoke', 200, async (_c, _b, p, _q, actor) => control('gov.keys.revoke', { actor, id: p[0] })),
    r('del', '/api/keys/:id', 'keys.revoke', 200, async (_c, _b, p, _q, actor) => control('gov.keys.delete', { actor, id: p[0] })),
    ...entity('team', 'teams', 'teams'),
    ...entity('customer', 'customers', 'customers'),
    r('get', '/api/users', 'users.read', 200, async () => ({ data: await control('gov.users.list') })),
    r('post', '/api/users', 'users.write', 201, async (_c, b, _p, _q, actor) => control('gov.users.create', { actor, input: json(b) })),
    r('del', '/api/users/:id', 'users.write', 200, async (_c, _b, p, _q, actor) => control('gov.users.delete', { actor, id: p[0] })),
    r('get', '/api/settings', 'settings.read', 200, async () => control('gov.settings.get')),
    r('put', '/api/settings', 'settings.write', 200, async (_c, b, _p, _q, actor) => control('gov.settings.update', { actor, patch: json(b) })),
    r('get', '/api/usage', 'usage.read', 200, async (_c, _b, _p, query) => {
      const q = new URLSearchParams(query);
      const groupBy = q.get('group_by') ?? 'key';
      const granularity = q.get('granularity') ?? 'day';
      if (!['key', 'team', 'customer', 'model', 'provider'].includes(groupBy)) throw new GatewayError({ status: 400, type: 'invalid_request_error', code: 'invalid_query', param: 'group_by', message: 'group_by must be key, team, customer, model or provider' });
      if (granularity !== 'hour' && granularity !== 'day') throw new GatewayError({ status: 400, type: 'invalid_request_error', code: 'invalid_query', param: 'granularity', message: 'granularity must be hour or day' });
      return { data: await control('gov.usage', { groupBy, granularity, from: num(q, 'from'), to: num(q, 'to'), value: q.get('value') ?? undefined }) };
    }),
    r('get', '/api/audit', 'audit.read', 200, async (_c, _b, _p, query) => control('gov.audit', { limit: Number(new URLSearchParams(query).get('limit') ?? 200) })),
  ];
}
