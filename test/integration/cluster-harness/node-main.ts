/**
 * A cluster node in its own process, driven over stdin/stdout with JSON lines, for multi-process tests.
 *   argv[2]: JSON config { dataDir, keyHex?, insecure?, seeds?, port?, heartbeatMs?, ... }
 *   stdout:  {"event":"ready","nodeId":...,"addresses":[...]} once started, then one
 *            {"id":n,"ok":true,"result":...} | {"id":n,"ok":false,"error":"..."} per command.
 *   stdin:   {"id":n,"cmd":"addCounter","args":{...}}  (see `commands` below)
 * Logs (warn/error) go to stderr.
 */
import { createInterface } from 'node:readline';
import { createClusterAgent, parseClusterKey, type ClusterOptions } from '../../../cluster/index.js';

interface HarnessConfig extends Omit<ClusterOptions, 'key' | 'node' | 'log'> {
  keyHex?: string;
  node?: { version: string; httpAddress: string };
}

const config = JSON.parse(process.argv[2] ?? '{}') as HarnessConfig;
const { keyHex, ...rest } = config;
const agent = await createClusterAgent({
  host: '127.0.0.1',
  port: 0,
  node: { version: 'test', httpAddress: 'http://127.0.0.1:0' },
  ...rest,
  ...(keyHex ? { key: parseClusterKey(keyHex) } : {}),
  log: (level, msg, fields) => {
    if (level === 'warn' || level === 'error' || process.env.CLUSTER_HARNESS_DEBUG) process.stderr.write(`${level} ${msg} ${JSON.stringify(fields ?? {})}\n`);
  },
});
await agent.start();

const write = (obj: object) => process.stdout.write(`${JSON.stringify(obj)}\n`);
type Args = Record<string, unknown>;

const commands: Record<string, (a: Args) => unknown> = {
  addCounter: (a) => agent.addCounter(a.key as string, a.delta as number, a.expiresAt as number | undefined),
  counter: (a) => agent.counter(a.key as string),
  counters: (a) => Object.fromEntries(agent.counters((a.prefix as string) ?? '')),
  setConfig: (a) => agent.setConfig(a.id as string, a.value ?? null),
  getConfig: (a) => agent.getConfig(a.id as string) ?? null,
  configEntries: (a) => agent.configEntries(a.prefix as string | undefined),
  recordStats: (a) => agent.recordStats(a.key as string, a.values as number[]),
  statsWindow: (a) => agent.statsWindow(a.key as string),
  statsKeys: () => agent.statsKeys(),
  members: () => agent.members(),
  setLoad: (a) => agent.setLoad(a.load as number),
  partition: (a) => agent.partition(a.ids as string[]),
  metrics: () => agent.metrics(),
  info: () => ({ nodeId: agent.nodeId, networked: agent.networked, addresses: agent.listenAddresses }),
};

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await agent.stop();
}

const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  let req: { id: number; cmd: string; args?: Args };
  try {
    req = JSON.parse(line) as typeof req;
  } catch {
    return;
  }
  if (req.cmd === 'stop') {
    void stop().then(
      () => {
        write({ id: req.id, ok: true, result: null });
        process.exit(0);
      },
      (err: Error) => {
        write({ id: req.id, ok: false, error: err.message });
        process.exit(1);
      },
    );
    return;
  }
  const fn = commands[req.cmd];
  try {
    if (!fn) throw new Error(`unknown command ${req.cmd}`);
    write({ id: req.id, ok: true, result: fn(req.args ?? {}) ?? null });
  } catch (err) {
    write({ id: req.id, ok: false, error: (err as Error).message });
  }
});
// The test runner going away must not leave a node behind.
rl.on('close', () => void stop().then(() => process.exit(0)));
process.on('SIGTERM', () => void stop().then(() => process.exit(0)));

write({ event: 'ready', nodeId: agent.nodeId, networked: agent.networked, addresses: agent.listenAddresses });
