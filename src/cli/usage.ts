/** `switchyard usage`: cluster-wide spend, tokens and requests grouped by key, team, customer, model or provider. */
import { Command, Option } from 'commander';
import { adminCall, fail, table, withAdminOptions } from './keys.js';

interface Row { period: string; spend_usd: number; input_tokens: number; output_tokens: number; requests: number; [dim: string]: string | number }

export function usageCommand(): Command {
  return withAdminOptions(new Command('usage'))
    .description('spend, tokens and requests for the whole cluster, per period')
    .addOption(new Option('--group-by <dimension>', 'group rows by').choices(['key', 'team', 'customer', 'model', 'provider']).default('key'))
    .addOption(new Option('--granularity <unit>', 'one row per hour or per day').choices(['hour', 'day']).default('day'))
    .option('--from <time>', 'from this time (ISO-8601 or epoch ms)')
    .option('--to <time>', 'up to this time (ISO-8601 or epoch ms)')
    .option('--json', 'machine-readable output')
    .action(async (o) => {
      const q = new URLSearchParams({ group_by: o.groupBy, granularity: o.granularity });
      for (const k of ['from', 'to'] as const) {
        if (o[k] === undefined) continue;
        const v = String(o[k]);
        if (!/^\d+$/.test(v) && !Number.isFinite(Date.parse(v))) fail(`--${k} must be an ISO-8601 time or epoch milliseconds, got "${v}"`);
        q.set(k, v);
      }
      const { data } = await adminCall<{ data: Row[] }>(o, 'GET', `/api/usage?${q}`);
      if (o.json) { console.log(JSON.stringify(data, null, 2)); return; }
      if (!data.length) { console.log('no usage in this range'); return; }
      const total = data.reduce((s, r) => s + r.spend_usd, 0);
      console.log(table([
        ['PERIOD', o.groupBy.toUpperCase(), 'REQUESTS', 'INPUT TOKENS', 'OUTPUT TOKENS', 'SPEND USD'],
        ...data.map((r) => [r.period, String(r[o.groupBy]), String(r.requests), String(r.input_tokens), String(r.output_tokens), r.spend_usd.toFixed(6)]),
      ]));
      console.log(`\ntotal spend: $${total.toFixed(6)}`);
    });
}
