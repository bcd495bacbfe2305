/** The bench's own servers (mock upstream, bare proxy) as child processes speaking the LISTENING protocol. */
import { nodeScript, spawnService, type Service } from '../lib/index.js';
import type { MockOptions } from '../mock/index.js';

const LISTENING = /^LISTENING (\d+)$/;

export interface StartedServer {
  service: Service;
  port: number;
  origin: string;
}

function started(service: Service): StartedServer {
  const port = service.port!;
  return { service, port, origin: `http://127.0.0.1:${port}` };
}

export async function startMockProcess(opts: Partial<Omit<MockOptions, 'host' | 'port'>> = {}): Promise<StartedServer> {
  const { script, execArgv } = nodeScript(import.meta.url, '../mock-upstream');
  const args = [...execArgv, script, '--host', '127.0.0.1', '--port', '0'];
  if (opts.latencyMs !== undefined) args.push('--latency-ms', String(opts.latencyMs));
  if (opts.ttftMs !== undefined) args.push('--ttft-ms', String(opts.ttftMs));
  if (opts.chunks !== undefined) args.push('--chunks', String(opts.chunks));
  if (opts.chunkIntervalMs !== undefined) args.push('--chunk-interval-ms', String(opts.chunkIntervalMs));
  if (opts.apiKey !== undefined) args.push('--api-key', opts.apiKey);
  if (opts.engine !== undefined) args.push('--engine', opts.engine);
  if (opts.failStatus !== undefined) args.push('--fail-status', String(opts.failStatus));
  return started(await spawnService({ name: 'mock-upstream', command: process.execPath, args, readyLine: LISTENING, ipc: true }));
}

export async function startBareProxyProcess(upstreamOrigin: string, connections?: number, nodeArgs: string[] = []): Promise<StartedServer> {
  const { script, execArgv } = nodeScript(import.meta.url, '../bare-proxy');
  const args = [...execArgv, ...nodeArgs, script, '--host', '127.0.0.1', '--port', '0', '--upstream', upstreamOrigin];
  if (connections !== undefined) args.push('--connections', String(connections));
  return started(await spawnService({ name: 'bare-proxy', command: process.execPath, args, readyLine: LISTENING, ipc: true }));
}
