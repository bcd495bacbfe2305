/**
 * Role-based access for the control plane (/api/*, CLI). Unknown actions are denied (fail closed).
 *   viewer: read-only (every read except users and settings)
 *   editor: everything except users.* and settings.*
 *   admin:  everything
 * A virtual key is a data-plane credential: it may carry at most editor rights, never admin.
 */
import { GatewayError } from '../core/errors.js';
import type { Role } from './model.js';

export const ACTIONS = [
  'keys.create',
  'keys.read',
  'keys.update',
  'keys.revoke',
  'teams.read',
  'teams.write',
  'customers.read',
  'customers.write',
  'budgets.read',
  'budgets.write',
  'usage.read',
  'logs.read',
  'audit.read',
  'cluster.read',
  'cluster.write',
  'providers.read',
  'providers.write',
  'routing.read',
  'routing.write',
  'settings.read',
  'settings.write',
  'users.read',
  'users.write',
] as const;
export type Action = (typeof ACTIONS)[number];

const ADMIN_ONLY = (a: Action) => a.startsWith('users.') || a.startsWith('settings.');
const READ = (a: Action) => a.endsWith('.read');

const GRANTS: Record<Role, ReadonlySet<Action>> = {
  admin: new Set(ACTIONS),
  editor: new Set(ACTIONS.filter((a) => !ADMIN_ONLY(a))),
  viewer: new Set(ACTIONS.filter((a) => READ(a) && !ADMIN_ONLY(a))),
};

export function isAction(s: string): s is Action {
  return (ACTIONS as readonly string[]).includes(s);
}

export function can(role: Role, action: Action | string): boolean {
  const grants = GRANTS[role] as ReadonlySet<string> | undefined;
  return grants !== undefined && grants.has(action);
}

export function actionsOf(role: Role): Action[] {
  return ACTIONS.filter((a) => GRANTS[role].has(a));
}

/** Who is calling the control plane. */
export type Principal =
  | { kind: 'user'; id: string; role: Role }
  /** A virtual key used against the control plane; `role` comes from its config and is capped at editor. */
  | { kind: 'virtual_key'; id: string; role?: Role };

export function effectiveRole(p: Principal): Role | null {
  if (p.kind === 'user') return p.role;
  if (p.role === undefined) return null;
  return p.role === 'admin' ? 'editor' : p.role;
}

export function authorize(p: Principal, action: Action | string): boolean {
  const role = effectiveRole(p);
  return role !== null && can(role, action);
}

/** 403 for a denied action; names the action, never the credential. */
export function forbiddenError(action: string): GatewayError {
  return new GatewayError({
    status: 403,
    type: 'permission_error',
    code: 'forbidden',
    param: null,
    message: `Not allowed to perform ${action}`,
  });
}

/** Throws forbiddenError unless the principal may perform the action. */
export function requirePermission(p: Principal, action: Action): void {
  if (!authorize(p, action)) throw forbiddenError(action);
}
