import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACTIONS, actionsOf, authorize, can, effectiveRole, forbiddenError, requirePermission } from '../../src/governance/index.js';

test('viewer is read-only and cannot see users or settings', () => {
  assert.deepEqual(actionsOf('viewer'), [
    'keys.read', 'teams.read', 'customers.read', 'budgets.read', 'usage.read', 'logs.read', 'audit.read', 'cluster.read', 'providers.read', 'routing.read',
  ]);
  for (const a of ['keys.create', 'keys.revoke', 'teams.write', 'providers.write', 'settings.write']) assert.equal(can('viewer', a), false, a);
});

test('editor: everything except users and settings', () => {
  for (const a of ['keys.create', 'keys.read', 'keys.revoke', 'teams.write', 'usage.read', 'audit.read', 'logs.read', 'cluster.read', 'providers.write'])
    assert.equal(can('editor', a), true, a);
  for (const a of ['settings.write', 'settings.read', 'users.write', 'users.read']) assert.equal(can('editor', a), false, a);
  assert.equal(actionsOf('editor').length, ACTIONS.length - 4);
});

test('admin can do everything; unknown actions are denied for everyone', () => {
  assert.deepEqual(actionsOf('admin'), [...ACTIONS]);
  assert.equal(can('admin', 'keys.destroy'), false);
  assert.equal(can('admin', ''), false);
});

test('a virtual key never has admin rights', () => {
  assert.equal(effectiveRole({ kind: 'virtual_key', id: 'k', role: 'admin' }), 'editor');
  assert.equal(authorize({ kind: 'virtual_key', id: 'k', role: 'admin' }, 'settings.write'), false);
  assert.equal(authorize({ kind: 'virtual_key', id: 'k', role: 'admin' }, 'users.write'), false);
  assert.equal(authorize({ kind: 'virtual_key', id: 'k', role: 'admin' }, 'keys.read'), true);
  assert.equal(authorize({ kind: 'virtual_key', id: 'k' }, 'keys.read'), false);
  assert.equal(authorize({ kind: 'user', id: 'u', role: 'admin' }, 'settings.write'), true);
});

test('requirePermission throws a 403 naming the action', () => {
  assert.doesNotThrow(() => requirePermission({ kind: 'user', id: 'u', role: 'viewer' }, 'usage.read'));
  assert.throws(
    () => requirePermission({ kind: 'user', id: 'u', role: 'viewer' }, 'keys.create'),
    (e: unknown) => e instanceof Error && (e as { status?: number }).status === 403 && e.message === 'Not allowed to perform keys.create',
  );
  assert.equal(forbiddenError('x').type, 'permission_error');
});
