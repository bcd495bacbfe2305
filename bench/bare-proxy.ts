/**
 * Bare proxy as its own process:
 *   node dist/bench/bare-proxy.js --port 0 --upstream http://127.0.0.1:<mockPort>
 * prints `LISTENING <port>` on stdout once it accepts connections.
 */
import { exitWithParent, opt, parseCli, UsageError } from './lib/index.js';
import { startBareProxy } from './proxy/index.js';

const USAGE = 'usage: bare-proxy --upstream http://127.0.0.1:<port> [options]   (forwards every request unchanged)';

try {
  const a = parseCli(USAGE, {
    host: opt.string('address to bind', '127.0.0.1'),
    port: opt.number('port, 0 = any free port', 0),
    upstream: opt.string('upstream origin (required)'),
    connections: opt.number('upstream connections', 256),
  });
  if (!a.upstream) throw new UsageError('--upstream is required');
  const proxy = await startBareProxy({ host: a.host, port: a.port, upstream: new URL(a.upstream).origin, connections: a.connections });
  exitWithParent(() => void proxy.close());
  process.stdout.write(`LISTENING ${proxy.port}\n`);
} catch (err) {
  console.error(`bare-proxy: ${(err as Error).message}`);
  process.exit(err instanceof UsageError ? 2 : 1);
}
