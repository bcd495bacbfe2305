/**
 * The uWS fork we pin silently falls back to a slow pure-JS server when its native binary does not load
 * (wrong Node ABI, missing file). Refuse to run on the fallback unless explicitly allowed: the whole
 * point of the data plane is the native server.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export interface UwsStatus { native: boolean; binary?: string }

export function uwsStatus(): UwsStatus {
  require('uWebSockets.js');
  const binary = Object.keys(require.cache).find((k) => /uws_[a-z0-9]+_[a-z0-9]+_\d+\.node$/.test(k));
  return { native: Boolean(binary), binary };
}

export const FALLBACK_ERROR =
  'uWebSockets.js native binary did not load (only the slow JavaScript fallback is available). ' +
  `Switchyard needs the native build for Node ABI ${process.versions.modules} on ${process.platform}-${process.arch}. ` +
  'Use Node 20 with the pinned package, or install the official uWebSockets.js build for your Node version (see README). ' +
  'To run on the fallback anyway (not for production), pass --allow-js-fallback.';
