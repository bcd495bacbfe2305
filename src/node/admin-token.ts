/**
 * The bootstrap admin token. Given with --admin-token / SWITCHYARD_ADMIN_TOKEN it is used as is; otherwise
 * the first start generates one into `<data-dir>/admin-token` (mode 0600) and says where it is. Only its
 * hash leaves this function. Nothing under /api is open without a token.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashKey } from '../governance/index.js';
import type { Logger } from '../observe/index.js';

export function adminTokenHash(given: string | undefined, dataDir: string, log: Logger): string {
  if (given) return hashKey(given);
  const file = join(dataDir, 'admin-token');
  if (existsSync(file)) return hashKey(readFileSync(file, 'utf8').trim());
  const token = `sy-admin-${randomBytes(24).toString('base64url')}`;
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  log.warn({ file }, `no admin token was given: generated one into ${file} (read it from there; set SWITCHYARD_ADMIN_TOKEN to choose your own)`);
  return hashKey(token);
}
