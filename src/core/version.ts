/**
 * Switchyard's version, from its package.json. Found by walking up from this file rather than by a fixed
 * relative path, because this code runs both from `dist/src/...` and from the bundles in `dist/bundle/`.
 */
import { readFileSync } from 'node:fs';

function findVersion(): string {
  let dir = new URL('./', import.meta.url);
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'switchyard' && pkg.version) return pkg.version;
    } catch { /* no package.json here: go up */ }
    dir = new URL('../', dir);
  }
  return '0.0.0-unknown';
}

export const VERSION = findVersion();
