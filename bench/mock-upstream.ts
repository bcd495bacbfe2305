/**
 * Mock OpenAI-format upstream as its own process:
 *   node dist/bench/mock-upstream.js --port 0 --latency-ms 0
 * prints `LISTENING <port>` on stdout once it accepts connections.
 */
import { exitWithParent, opt, parseCli, UsageError } from './lib/index.js';
import { DEFAULT_MOCK_OPTIONS as D, startMockUpstream } from './mock/index.js';

const USAGE = 'usage: mock-upstream [options]   (POST /v1/chat/completions, GET /health, GET /__mock/stats)';

try {
  const a = parseCli(USAGE, {
    host: opt.string('address to bind', D.host),
    port: opt.number('port, 0 = any free port', D.port),
    'latency-ms': opt.number('delay before a non-streaming answer', D.latencyMs),
    'ttft-ms': opt.number('streaming: delay before the first chunk (default: --latency-ms)'),
    chunks: opt.number('streaming: content chunks per answer', D.chunks),
    'chunk-interval-ms': opt.number('streaming: delay between chunks', D.chunkIntervalMs),
    'api-key': opt.string('require "Authorization: Bearer <key>" (401 otherwise)'),
    engine: opt.string('uws | node | h2 (HTTP/2 with prior knowledge)', D.engine),
    'fail-status': opt.number('answer every chat request at once with this status (e.g. 500)'),
  });
  if (a.engine !== 'uws' && a.engine !== 'node' && a.engine !== 'h2') throw new UsageError(`--engine must be uws, node or h2, got "${a.engine}"`);
  const mock = await startMockUpstream({
    host: a.host, port: a.port, latencyMs: a['latency-ms'], ttftMs: a['ttft-ms'], chunks: Math.max(1, Math.round(a.chunks)),
    chunkIntervalMs: a['chunk-interval-ms'], apiKey: a['api-key'], engine: a.engine, failStatus: a['fail-status'],
  });
  exitWithParent(() => void mock.close());
  process.stdout.write(`LISTENING ${mock.port}\n`);
} catch (err) {
  console.error(`mock-upstream: ${(err as Error).message}`);
  process.exit(err instanceof UsageError ? 2 : 1);
}
