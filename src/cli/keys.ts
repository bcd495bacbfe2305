/**
 * `switchyard keys create|list|revoke`: virtual keys through the admin API of any node. The key itself is
 * printed once, at creation; the API never shows it again (only its prefix).
 */
import { Command, InvalidArgumentError, Option } from 'commander';

export interface AdminOptions { url: string; adminToken?: string }

export function fail(msg: string): never {
  console.error(`switchyard: ${msg}`);
  process.exit(1);
}

/** --url and --admin-token, shared by every admin command (the token from the environment keeps it out of `ps`). */
export function withAdminOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--url <url>', 'any node of the cluster').default(process.env.SWITCHYARD_URL ?? 'http://127.0.0.1:8080'))
    .addOption(new Option('--admin-token <token>', 'admin or user token (default: $SWITCHYARD_ADMIN_TOKEN)').default(process.env.SWITCHYARD_ADMIN_TOKEN));
}

/** One admin API call; exits with the API's own error message on failure. */
export async function adminCall<T = unknown>(opts: AdminOptions, method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(new URL(path, opts.url), {
      method,
      headers: { ...(opts.adminToken ? { authorization: `Bearer ${opts.adminToken}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (err) {
    fail(`cannot reach ${opts.url}: ${(err as Error).message}`);
  }
  const text = await res.text();
  if (!res.ok) {
    let msg = text;
    try { msg = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? text; } catch { /* not JSON: show as is */ }
    fail(`${method} ${path} answered ${res.status}: ${msg}`);
  }
  return (text ? JSON.parse(text) : undefined) as T;
}

export function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (c ?? '').padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}

/** "10/1d" -> { amountUsd: 10, period: '1d' } (periods as in the API: 1m 1h 1d 1w 1M 1Y). */
export function parseBudget(v: string): { amountUsd: number; period: string } {
  const m = /^\$?(\d+(?:\.\d+)?)\/(1m|1h|1d|1w|1M|1Y)$/.exec(v.trim());
  if (!m) throw new Error(`invalid budget "${v}": expected AMOUNT/PERIOD such as 10/1d (periods 1m, 1h, 1d, 1w, 1M, 1Y)`);
  return { amountUsd: Number(m[1]), period: m[2] };
}

const positiveInt = (name: string) => (v: string): number => {
  if (!/^\d+$/.test(v) || Number(v) <= 0) throw new InvalidArgumentError(`${name} must be a positive integer, got "${v}"`);
  return Number(v);
};

function collect(v: string, prev: string[] = []): string[] { return [...prev, v]; }

interface KeyView {
  id: string; name: string; prefix: string; active: boolean; teamId?: string; customerId?: string; expiresAt?: number;
  budgets: Array<{ amountUsd: number; period: string }>; limits: { rpm?: number; tpm?: number; maxConcurrent?: number }; allowedModels?: string[];
}

/** The create request body from the command's flags. */
export function keyInput(o: Record<string, unknown>): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  if (o.name !== undefined) input.name = o.name;
  if (o.team !== undefined) input.teamId = o.team;
  if (o.customer !== undefined) input.customerId = o.customer;
  const budgets = (o.budget as string[] | undefined) ?? [];
  if (budgets.length) input.budgets = budgets.map(parseBudget);
  const limits: Record<string, number> = {};
  if (o.rpm !== undefined) limits.rpm = o.rpm as number;
  if (o.tpm !== undefined) limits.tpm = o.tpm as number;
  if (o.maxConcurrent !== undefined) limits.maxConcurrent = o.maxConcurrent as number;
  if (Object.keys(limits).length) input.limits = limits;
  if (o.models !== undefined) input.allowedModels = String(o.models).split(',').map((s) => s.trim()).filter(Boolean);
  if (o.expires !== undefined) {
    const t = Date.parse(String(o.expires));
    if (!Number.isFinite(t)) throw new Error(`--expires must be an ISO-8601 time, got "${String(o.expires)}"`);
    input.expiresAt = t;
  }
  return input;
}

const budgetsText = (b: KeyView['budgets']) => b.map((x) => `$${x.amountUsd}/${x.period}`).join(',') || '-';
const limitsText = (l: KeyView['limits']) => [l.rpm && `rpm=${l.rpm}`, l.tpm && `tpm=${l.tpm}`, l.maxConcurrent && `conc=${l.maxConcurrent}`].filter(Boolean).join(',') || '-';

export function keysCommand(): Command {
  const cmd = new Command('keys').description('manage virtual keys');
  withAdminOptions(cmd.command('create'))
    .description('create a virtual key (printed once: store it now)')
    .option('--name <name>', 'a label for the key')
    .option('--team <id>', 'team the key belongs to')
    .option('--customer <id>', 'customer the key belongs to')
    .option('--budget <amount/period>', 'spend limit in USD per period, e.g. 10/1d (repeatable)', collect)
    .option('--rpm <n>', 'requests per minute', positiveInt('--rpm'))
    .option('--tpm <n>', 'tokens per minute', positiveInt('--tpm'))
    .option('--max-concurrent <n>', 'requests in flight at once', positiveInt('--max-concurrent'))
    .option('--models <patterns>', "allowed models, comma-separated globs such as 'openai/*,anthropic/claude-*'")
    .option('--expires <time>', 'expiry time (ISO-8601)')
    .option('--json', 'machine-readable output')
    .action(async (o) => {
      let input: Record<string, unknown>;
      try { input = keyInput(o); } catch (err) { fail((err as Error).message); }
      const r = await adminCall<KeyView & { key: string }>(o, 'POST', '/api/keys', input);
      if (o.json) { console.log(JSON.stringify(r, null, 2)); return; }
      console.log(r.key);
      console.error(`created ${r.id}${r.name ? ` (${r.name})` : ''}: this is the only time the key is shown`);
    });
  withAdminOptions(cmd.command('list'))
    .description('list virtual keys (never the keys themselves)')
    .option('--json', 'machine-readable output')
    .action(async (o) => {
      const { data } = await adminCall<{ data: KeyView[] }>(o, 'GET', '/api/keys');
      if (o.json) { console.log(JSON.stringify(data, null, 2)); return; }
      console.log(table([
        ['ID', 'NAME', 'PREFIX', 'STATE', 'TEAM', 'CUSTOMER', 'BUDGETS', 'LIMITS', 'MODELS', 'EXPIRES'],
        ...data.map((k) => [
          k.id, k.name || '-', k.prefix, k.active ? (k.expiresAt && k.expiresAt <= Date.now() ? 'expired' : 'active') : 'revoked',
          k.teamId ?? '-', k.customerId ?? '-', budgetsText(k.budgets ?? []), limitsText(k.limits ?? {}),
          k.allowedModels?.join(',') ?? '*', k.expiresAt ? new Date(k.expiresAt).toISOString() : '-',
        ]),
      ]));
    });
  withAdminOptions(cmd.command('revoke'))
    .description('revoke a virtual key (it stops working on every node)')
    .argument('<id>', 'key id (from keys list)')
    .option('--json', 'machine-readable output')
    .action(async (id: string, o) => {
      const r = await adminCall<KeyView>(o, 'POST', `/api/keys/${encodeURIComponent(id)}/revoke`);
      if (o.json) { console.log(JSON.stringify(r, null, 2)); return; }
      console.log(`revoked ${r.id}`);
    });
  return cmd;
}
