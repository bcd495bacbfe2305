/**
 * Switchyard itself as a child process, started exactly as an operator would:
 *   node bin/switchyard.js start --host 127.0.0.1 --port P [--workers N] --config F --log-level warn --data-dir D
 * and considered ready when GET /health/ready answers 200. It must have been built (`npm run build`).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort, repoRoot, spawnService, tempDir } from '../lib/index.js';
import type { StartedServer } from './our-servers.js';

export interface SwitchyardOptions {
  /** OpenAI-compatible upstream origin, e.g. the mock's */
  upstreamOrigin: string;
  /** worker threads; undefined = the gateway's default */
  workers?: number;
  /** provider name in the config (requests use "<provider>/<model>") */
  provider?: string;
  upstreamApiKey?: string;
  logLevel?: string;
  /** extra top-level config merged into the generated YAML (later scenarios: keys, fallbacks ...) */
  extraConfig?: Record<string, unknown>;
  timeoutMs?: number;
  /** node flags for the gateway process (e.g. `--cpu-prof` for the profile report) */
  nodeArgs?: string[];
}

export class GatewayUnavailableError extends Error {}

/** Whether the compiled gateway exists; if not, `startSwitchyard` would fail. */
export function switchyardBuilt(): { ok: boolean; reason?: string } {
  const root = repoRoot();
  if (!existsSync(join(root, 'dist', 'bundle', 'index.js'))) return { ok: false, reason: 'dist/bundle/index.js missing: run `npm run build`' };
  return { ok: true };
}

export async function startSwitchyard(opts: SwitchyardOptions): Promise<StartedServer & { configPath: string }> {
  const built = switchyardBuilt();
  if (!built.ok) throw new GatewayUnavailableError(built.reason);
  const root = repoRoot();
  const dir = tempDir('switchyard-bench');
  const configPath = join(dir.path, 'config.yaml');
  const provider = opts.provider ?? 'up';
  writeFileSync(configPath, stringify({
    providers: {
      [provider]: { type: 'custom', base_url: `${opts.upstreamOrigin}/v1`, api_key: opts.upstreamApiKey ?? 'bench-key' },
    },
    ...opts.extraConfig,
  }));
  const port = await freePort();
  const args = [...(opts.nodeArgs ?? []), join(root, 'bin', 'switchyard.js'), 'start', '--host', '127.0.0.1', '--port', String(port),
    '--config', configPath, '--log-level', opts.logLevel ?? 'warn', '--data-dir', join(dir.path, 'data')];
  if (opts.workers !== undefined) args.push('--workers', String(opts.workers));
  try {
    const service = await spawnService({
      name: `switchyard(workers=${opts.workers ?? 'default'})`, command: process.execPath, args,
      readyUrl: `http://127.0.0.1:${port}/health/ready`, timeoutMs: opts.timeoutMs ?? 30_000,
    });
    const stop = service.stop;
    service.stop = async (graceMs) => {
      await stop(graceMs);
      dir.remove();
    };
    return { service, port, origin: `http://127.0.0.1:${port}`, configPath };
  } catch (err) {
    dir.remove();
    throw new GatewayUnavailableError((err as Error).message);
  }
}
