/**
 * The load generator process. It runs apart from the servers under test so that it never shares an
 * event loop with them. The parent sends `{type:'run', id, spec}` over IPC and gets back
 * `{type:'result', id, result}` or `{type:'error', id, message}`. Connection pools survive between runs so
 * that consecutive short rounds against the same target reuse warm connections.
 */
import { Agent } from 'undici';
import { exitWithParent } from '../lib/processes.js';
import { runLoad } from './run.js';
import type { LoadSpec } from './types.js';

export type ToLoadgen = { type: 'run'; id: number; spec: LoadSpec };
export type FromLoadgen = { type: 'ready' } | { type: 'result'; id: number; result: Awaited<ReturnType<typeof runLoad>> } | { type: 'error'; id: number; message: string };

const agents = new Map<number, Agent>();

function agentFor(connections: number): Agent {
  let a = agents.get(connections);
  if (!a) {
    // keepAliveTimeout stays below uWS's 10 s idle timeout so we never reuse a socket the server is closing.
    a = new Agent({ connections, pipelining: 1, keepAliveTimeout: 4000, keepAliveMaxTimeout: 8000 });
    agents.set(connections, a);
  }
  return a;
}

function send(msg: FromLoadgen): void {
  process.send?.(msg);
}

if (!process.send) {
  console.error('loadgen child: must be started with an IPC channel (use startLoadgen())');
  process.exit(2);
}
exitWithParent(() => { for (const a of agents.values()) void a.destroy(); });

let busy = false;
process.on('message', (msg: ToLoadgen) => {
  if (msg?.type !== 'run') return;
  if (busy) {
    send({ type: 'error', id: msg.id, message: 'loadgen is already running a load' });
    return;
  }
  busy = true;
  const spec = msg.spec;
  const connections = spec.connections ?? (spec.mode.kind === 'closed' ? spec.mode.concurrency : 256);
  runLoad(spec, agentFor(connections))
    .then((result) => send({ type: 'result', id: msg.id, result }))
    .catch((err: Error) => send({ type: 'error', id: msg.id, message: err.message }))
    .finally(() => { busy = false; });
});
send({ type: 'ready' });
