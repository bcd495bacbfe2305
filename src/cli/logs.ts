/** `switchyard logs [--follow]`: search the request log of a node (or the whole cluster), or tail it live. */
import { Command, Option } from 'commander';
import { createParser } from 'eventsource-parser';

interface Entry {
  time: number; request_id: string; node_id: string; route: string; provider: string | null; model: string | null;
  status: number; latency_ms: number; ttft_ms: number | null; tokens_in: number | null; tokens_out: number | null; retries: number; error_type: string | null;
}

function line(e: Entry): string {
  const tokens = e.tokens_in !== null || e.tokens_out !== null ? `${e.tokens_in ?? 0}/${e.tokens_out ?? 0}` : '-';
  return [
    new Date(e.time).toISOString(), String(e.status), `${e.latency_ms}ms`.padStart(9), (e.provider ?? '-') + '/' + (e.model ?? '-'),
    `tok=${tokens}`, e.retries ? `retries=${e.retries}` : '', e.error_type ?? '', e.request_id,
  ].filter(Boolean).join('  ');
}

function fail(msg: string): never {
  console.error(`switchyard: ${msg}`);
  process.exit(1);
}

export function logsCommand(): Command {
  return new Command('logs')
    .description('search the request log, or follow it live (--follow)')
    .option('--url <url>', 'a node of the cluster', process.env.SWITCHYARD_URL ?? 'http://127.0.0.1:8080')
    .option('--admin-token <token>', 'admin token', process.env.SWITCHYARD_ADMIN_TOKEN)
    .option('-f, --follow', 'stream new entries as they are written')
    .option('--cluster', 'gather from every live node of the cluster')
    .option('--from <time>', 'from this time (ISO-8601 or epoch ms)')
    .option('--to <time>', 'up to this time (ISO-8601 or epoch ms)')
    .option('--provider <name>').option('--model <name>').option('--key <id>').option('--team <id>')
    .option('--status <code>', 'HTTP status')
    .option('--min-latency-ms <ms>', 'slower than this')
    .addOption(new Option('-n, --limit <n>', 'entries to show').default('50'))
    .option('--json', 'one JSON object per line')
    .action(async (opts) => {
      const q = new URLSearchParams();
      for (const [k, name] of [['from', 'from'], ['to', 'to'], ['provider', 'provider'], ['model', 'model'], ['key', 'key'], ['team', 'team'], ['status', 'status'], ['minLatencyMs', 'min_latency_ms']] as const) {
        if (opts[k] !== undefined) q.set(name, String(opts[k]));
      }
      const headers: Record<string, string> = opts.adminToken ? { authorization: `Bearer ${opts.adminToken}` } : {};
      const print = (e: Entry) => console.log(opts.json ? JSON.stringify(e) : line(e));
      if (opts.follow) {
        let res: Response;
        try { res = await fetch(new URL(`/api/logs/stream?${q}`, opts.url), { headers }); } catch (err) { fail(`cannot reach ${opts.url}: ${(err as Error).message}`); }
        if (!res.ok || !res.body) fail(`${opts.url} answered ${res.status}: ${await res.text()}`);
        const parser = createParser({ onEvent: (ev) => { if (ev.event === 'log') print(JSON.parse(ev.data) as Entry); } });
        const decoder = new TextDecoder();
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) parser.feed(decoder.decode(chunk, { stream: true }));
        return;
      }
      q.set('limit', String(opts.limit));
      if (opts.cluster) q.set('cluster', '1');
      let res: Response;
      try { res = await fetch(new URL(`/api/logs?${q}`, opts.url), { headers }); } catch (err) { fail(`cannot reach ${opts.url}: ${(err as Error).message}`); }
      if (!res.ok) fail(`${opts.url} answered ${res.status}: ${await res.text()}`);
      const page = (await res.json()) as { data: Entry[]; next_cursor: string | null };
      // Oldest at the top, newest at the bottom, like a log file.
      for (const e of [...page.data].reverse()) print(e);
    });
}
