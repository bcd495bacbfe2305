import { Command } from 'commander';

interface Member { node_id: string; self: boolean; state: string; http_address: string; version: string; last_heartbeat_ms_ago: number | null; gossip_lag_ms: number; load: number }
interface Status { node_id: string; networked: boolean; members: Member[]; routing: Record<string, { circuit: string; effective_weight?: number; weight?: number; health?: number; requests: number; errors: number; prober: boolean }> }

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ')).join('\n');
}

export function clusterCommand(): Command {
  const cmd = new Command('cluster').description('inspect the cluster');
  cmd.command('status')
    .description('members, their state and the cluster-wide circuit states and weights')
    .option('--url <url>', 'any node of the cluster', process.env.SWITCHYARD_URL ?? 'http://127.0.0.1:8080')
    .option('--admin-token <token>', 'admin token', process.env.SWITCHYARD_ADMIN_TOKEN)
    .option('--json', 'machine-readable output')
    .action(async (opts) => {
      let res: Response;
      try {
        res = await fetch(new URL('/api/cluster', opts.url), { headers: opts.adminToken ? { authorization: `Bearer ${opts.adminToken}` } : {} });
      } catch (err) {
        console.error(`switchyard: cannot reach ${opts.url}: ${(err as Error).message}`);
        process.exit(1);
      }
      if (!res.ok) {
        console.error(`switchyard: ${opts.url} answered ${res.status}: ${await res.text()}`);
        process.exit(1);
      }
      const s = (await res.json()) as Status;
      if (opts.json) { console.log(JSON.stringify(s, null, 2)); return; }
      console.log(`node ${s.node_id}${s.networked ? '' : ' (standalone)'}\n`);
      console.log(table([
        ['NODE', 'STATE', 'HTTP', 'VERSION', 'LAST HEARTBEAT', 'GOSSIP LAG', 'LOAD'],
        ...s.members.map((m) => [m.node_id.slice(-12) + (m.self ? ' *' : ''), m.state, m.http_address, m.version, m.last_heartbeat_ms_ago === null ? '-' : `${m.last_heartbeat_ms_ago} ms ago`, `${m.gossip_lag_ms} ms`, String(m.load)]),
      ]));
      const routes = Object.entries(s.routing);
      if (routes.length) {
        console.log('');
        console.log(table([
          ['DEPLOYMENT', 'CIRCUIT', 'WEIGHT', 'EFFECTIVE', 'HEALTH', 'REQUESTS', 'ERRORS', 'PROBER'],
          ...routes.map(([id, r]) => [id, r.circuit, String(r.weight ?? '-'), String(r.effective_weight ?? '-'), String(r.health ?? '-'), String(r.requests), String(r.errors), r.prober ? 'yes' : '']),
        ]));
      }
    });
  return cmd;
}
