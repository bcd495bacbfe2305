import { Command, Option } from 'commander';
import { ConfigError, loadConfig } from '../config/index.js';
import { handleSignals, startNode, StartupError } from '../node/index.js';
import { createLogger } from '../observe/index.js';

const int = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${v}"`);
  return n;
};

export function startCommand(): Command {
  return new Command('start')
    .description('start a Switchyard node')
    .addOption(new Option('-c, --config <file>', 'config file (YAML or JSON)').env('SWITCHYARD_CONFIG'))
    .addOption(new Option('--host <host>', 'address to listen on (default 0.0.0.0)').env('SWITCHYARD_HOST'))
    .addOption(new Option('-p, --port <port>', 'HTTP port (default 8080)').env('SWITCHYARD_PORT').argParser(int('port')))
    .addOption(new Option('-w, --workers <n>', 'worker threads (default: available parallelism)').env('SWITCHYARD_WORKERS').argParser(int('workers')))
    .addOption(new Option('-d, --data-dir <dir>', 'data directory (default ./data)').env('SWITCHYARD_DATA_DIR'))
    .addOption(new Option('-l, --log-level <level>', 'log level').env('SWITCHYARD_LOG_LEVEL').choices(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']))
    .addOption(new Option('--allow-js-fallback', 'run even if only the slow JavaScript fallback of uWebSockets.js loads (not for production)').env('SWITCHYARD_ALLOW_JS_FALLBACK'))
    .action(async (opts) => {
      let cfg;
      try {
        cfg = loadConfig({
          config: opts.config, host: opts.host, port: opts.port, workers: opts.workers === 0 ? undefined : opts.workers,
          dataDir: opts.dataDir, logLevel: opts.logLevel, allowJsFallback: opts.allowJsFallback ? true : undefined,
        });
      } catch (err) {
        if (err instanceof ConfigError) {
          console.error(`switchyard: ${err.message}`);
          process.exit(2);
        }
        throw err;
      }
      const log = createLogger(cfg.logLevel, { role: 'main' });
      try {
        const node = await startNode(cfg, log);
        handleSignals(node, log);
      } catch (err) {
        if (err instanceof StartupError) {
          console.error(`switchyard: ${err.message}`);
          process.exit(1);
        }
        throw err;
      }
    });
}
