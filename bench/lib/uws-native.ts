/**
 * The pinned uWebSockets.js fork silently falls back to a slow pure-JS server when its native binary does
 * not load. A benchmark floor measured on that fallback would be meaningless, so bench servers refuse it.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export function assertNativeUws(): void {
  require('uWebSockets.js');
  const native = Object.keys(require.cache).some((k) => /uws_[a-z0-9]+_[a-z0-9]+_\d+\.node$/.test(k));
  if (!native) {
    throw new Error(`uWebSockets.js native binary did not load for Node ABI ${process.versions.modules} ` +
      `on ${process.platform}-${process.arch}; refusing to benchmark the JavaScript fallback`);
  }
}
