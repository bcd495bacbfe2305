import { Command, Option } from 'commander';
import { ConfigError, loadConfig } from '../config/index.js';
import { spawnWorkersEarly } from '../node/early-workers.js';
import { applyHeapGrowth } from '../node/heap-growth.js';
import { createLogger } from '../observe/logger.js';

const int = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${v}"`);
  return n;
};

/** Repeatable flag that also accepts a comma-separated env var. */
const list = (v: string, prev?: string[]) => [...(prev ?? []), ...v.split(',').map((x) => x.trim()).filter(Boolean)];

export function startCommand(): Command {
  return new Command('start')
    .description('start a Switchyard node')
    .addOption(new Option('-c, --config <file>', 'config file (YAML or JSON)').env('SWITCHYARD_CONFIG'))
    .addOption(new Option('--host <host>', 'address to listen on (default 0.0.0.0)').env('SWITCHYARD_HOST'))
    .addOption(new Option('-p, --port <port>', 'HTTP port (default 8080)').env('SWITCHYARD_PORT').argParser(int('port')))
    .addOption(new Option('-w, --workers <n>', 'worker threads (default: available parallelism)').env('SWITCHYARD_WORKERS').argParser(int('workers')))
    .addOption(new Option('-d, --data-dir <dir>', 'data directory (default ./data)').env('SWITCHYARD_DATA_DIR'))
    .addOption(new Option('-l, --log-level <level>', 'log level').env('SWITCHYARD_LOG_LEVEL').choices(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']))
    .addOption(new Option('--cluster-host <host>', 'address the cluster (libp2p) transport listens on (default: --host)').env('SWITCHYARD_CLUSTER_HOST'))
    .addOption(new Option('--cluster-port <port>', 'cluster (libp2p) TCP port (default 7946)').env('SWITCHYARD_CLUSTER_PORT').argParser(int('cluster port')))
    .addOption(new Option('--cluster-key <hex>', 'cluster pre-shared key: 64 hex characters').env('SWITCHYARD_CLUSTER_KEY'))
    .addOption(new Option('--cluster-key-file <file>', 'file holding the cluster key').env('SWITCHYARD_CLUSTER_KEY_FILE'))
    .addOption(new Option('--seed <multiaddr...>', 'seed peer to dial (repeatable; env: comma-separated)').env('SWITCHYARD_SEEDS').argParser(list))
    .addOption(new Option('--seed-dns <name...>', 'DNS name whose addresses are seeds (repeatable)').env('SWITCHYARD_SEED_DNS').argParser(list))
    .addOption(new Option('--announce <multiaddr...>', 'address(es) peers should use to reach this node').env('SWITCHYARD_ANNOUNCE').argParser(list))
    .addOption(new Option('--cluster-insecure', 'join a cluster without a key (local development only)').env('SWITCHYARD_CLUSTER_INSECURE'))
    .addOption(new Option('--admin-token <token>', 'bootstrap admin token for /api (default: generated into the data dir)').env('SWITCHYARD_ADMIN_TOKEN'))
    .addOption(new Option('--allow-js-fallback', 'run even if only the slow JavaScript fallback of uWebSockets.js loads (not for production)').env('SWITCHYARD_ALLOW_JS_FALLBACK'))
    .action(async (opts) => {
      let cfg;
      try {
        cfg = loadConfig({
          config: opts.config, host: opts.host, port: opts.port, workers: opts.workers === 0 ? undefined : opts.workers,
          dataDir: opts.dataDir, logLevel: opts.logLevel, allowJsFallback: opts.allowJsFallback ? true : undefined,
          clusterHost: opts.clusterHost, clusterPort: opts.clusterPort, clusterKey: opts.clusterKey, clusterKeyFile: opts.clusterKeyFile,
          seeds: opts.seed, seedDns: opts.seedDns, announce: opts.announce, clusterInsecure: opts.clusterInsecure ? true : undefined, adminToken: opts.adminToken,
        });
      } catch (err) {
        if (err instanceof ConfigError) {
          console.error(`switchyard: ${err.message}`);
          process.exit(2);
        }
        throw err;
      }
      applyHeapGrowth(cfg.heapGrowthPercent);
      // The workers load their modules on the other cores while this thread loads the control plane's.
      const early = spawnWorkersEarly(cfg);
      const { handleSignals, startNode, StartupError } = await import('../node/index.js');
      const log = createLogger(cfg.logLevel, { role: 'main' });
      try {
        const node = startNode(cfg, log, early);
        handleSignals(node, log);
        await node;
      } catch (err) {
        if (err instanceof StartupError) {
          console.error(`switchyard: ${err.message}`);
          process.exit(1);
        }
        throw err;
      }
    });
}
