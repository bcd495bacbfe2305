/**
 * Runs the OpenAI mock as its own process:
 *   node dist/test/mocks/openai-upstream-main.js --port 0 [--host 127.0.0.1] [--latency-ms N] [--require-key K] [--exit-on-stdin-close]
 * Prints exactly one line `LISTENING <port>` on stdout once it accepts connections; exits 0 on SIGTERM/SIGINT.
 * Faults and recorded requests are reached over HTTP: POST /__mock/faults, POST /__mock/reset, GET /__mock/requests.
 */
import { parseArgs } from 'node:util';
import { startOpenAIMock } from './openai-upstream.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    'latency-ms': { type: 'string' },
    'require-key': { type: 'string' },
    // Set by spawnOpenAIMock: the parent holds our stdin, so its end means the parent died and we must not linger.
    'exit-on-stdin-close': { type: 'boolean', default: false },
  },
});

const mock = await startOpenAIMock({
  port: Number(values.port),
  host: values.host,
  latencyMs: values['latency-ms'] !== undefined ? Number(values['latency-ms']) : undefined,
  requireKey: values['require-key'],
});

let stopping = false;
function stop(): void {
  if (stopping) return;
  stopping = true;
  void mock.close().then(() => process.exit(0));
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
if (values['exit-on-stdin-close']) {
  process.stdin.on('end', stop);
  process.stdin.on('error', stop);
  process.stdin.resume();
}

process.stdout.write(`LISTENING ${mock.port}\n`);
