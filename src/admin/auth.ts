/**
 * Admin API authentication and RBAC. Callers present the bootstrap admin token or a user token as
 * `Authorization: Bearer ...`; the role decides which actions they may perform. Virtual keys are data-plane
 * credentials and never open /api. Tokens are compared by SHA-256 against the governance snapshot.
 */
import { GatewayError } from '../core/errors.js';
import type { RequestState } from '../core/request-state.js';
import { can, extractKey, hashKey, KEY_PREFIX, type Action, type GovernanceSnapshot, type Role } from '../governance/index.js';

export interface AdminPrincipal { kind: 'admin_token' | 'user'; id: string; name: string; role: Role }

export function authenticateAdmin(st: RequestState, snap: GovernanceSnapshot | undefined, action: Action): AdminPrincipal {
  const token = st.credentials ? extractKey(st.credentials) : null;
  if (!token) throw new GatewayError({ status: 401, type: 'authentication_error', code: 'missing_admin_token', message: 'The admin API needs "Authorization: Bearer <admin or user token>".' });
  if (token.startsWith(KEY_PREFIX)) throw new GatewayError({ status: 403, type: 'permission_error', code: 'virtual_key_not_allowed', message: 'Virtual keys cannot call the admin API.' });
  if (!snap) throw new GatewayError({ status: 503, type: 'api_error', code: 'not_ready', message: 'The control plane is not ready yet.' });
  const hash = hashKey(token);
  let p: AdminPrincipal | undefined;
  if (snap.admin.tokenHashes.includes(hash)) p = { kind: 'admin_token', id: 'bootstrap', name: 'bootstrap admin token', role: 'admin' };
  else {
    const u = snap.admin.users.find((x) => x.tokenHash === hash);
    if (u) p = { kind: 'user', id: u.id, name: u.name, role: u.role };
  }
  if (!p) throw new GatewayError({ status: 401, type: 'authentication_error', code: 'invalid_admin_token', message: 'Invalid admin token.' });
  if (!can(p.role, action)) throw new GatewayError({ status: 403, type: 'permission_error', code: 'forbidden', message: `Role ${p.role} may not perform ${action}.` });
  return p;
}
