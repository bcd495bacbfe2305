/**
 * The Portkey AI gateway (`@portkey-ai/gateway`, open source) as a peer arm: its own process started from
 * the package's bin (`build/start-server.js --port=P --headless`), bound to 127.0.0.1 by a preload, and
 * routed to our mock with `x-portkey-provider: openai` + `x-portkey-custom-host` (127.0.0.1 is a trusted
 * custom host by default).
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { freePort, nodeScript, spawnService } from '../lib/index.js';
import type { StartedServer } from './our-servers.js';
import { GatewayUnavailableError } from './switchyard.js';

export function portkeyScript(): string | null {
  try {
    const pkg = createRequire(import.meta.url).resolve('@portkey-ai/gateway/package.json');
    const script = join(dirname(pkg), 'build', 'start-server.js');
    return existsSync(script) ? script : null;
  } catch {
    return null;
  }
}

/** Headers that route a Portkey request to an OpenAI-compatible upstream at `upstreamOrigin`. */
export function portkeyHeaders(upstreamOrigin: string, apiKey = 'bench-key'): Record<string, string> {
  return { 'x-portkey-provider': 'openai', 'x-portkey-custom-host': `${upstreamOrigin}/v1`, authorization: `Bearer ${apiKey}` };
}

/** A Portkey fallback config (x-portkey-config): try each upstream in order on 5xx. */
export function portkeyFallbackConfig(upstreamOrigins: string[], apiKey = 'bench-key'): string {
  return JSON.stringify({
    strategy: { mode: 'fallback', on_status_codes: [500, 502, 503] },
    targets: upstreamOrigins.map((o) => ({ provider: 'openai', api_key: apiKey, custom_host: `${o}/v1` })),
  });
}

export async function startPortkey(): Promise<StartedServer> {
  const script = portkeyScript();
  if (!script) throw new GatewayUnavailableError('@portkey-ai/gateway is not installed (npm i -D @portkey-ai/gateway)');
  const preload = nodeScript(import.meta.url, './portkey-localhost');
  const port = await freePort();
  try {
    const service = await spawnService({
      name: 'portkey', command: process.execPath,
      args: [...preload.execArgv, '--import', preload.script, script, `--port=${port}`, '--headless'],
      env: { ...process.env, NODE_ENV: 'production' },
      readyUrl: `http://127.0.0.1:${port}/`, timeoutMs: 30_000,
    });
    return { service, port, origin: `http://127.0.0.1:${port}` };
  } catch (err) {
    throw new GatewayUnavailableError(`portkey: ${(err as Error).message}`);
  }
}
