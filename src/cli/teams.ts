/** `switchyard teams create|list` and `switchyard customers create|list` through the admin API. */
import { Command, InvalidArgumentError } from 'commander';
import { adminCall, fail, parseBudget, table, withAdminOptions } from './keys.js';

interface EntityView { id: string; name: string; customerId?: string; budgets?: Array<{ amountUsd: number; period: string }>; limits?: { rpm?: number; tpm?: number; maxConcurrent?: number } }

const collect = (v: string, prev: string[] = []) => [...prev, v];
const positiveInt = (name: string) => (v: string): number => {
  if (!/^\d+$/.test(v) || Number(v) <= 0) throw new InvalidArgumentError(`${name} must be a positive integer, got "${v}"`);
  return Number(v);
};

function entityCommand(entity: 'team' | 'customer'): Command {
  const plural = `${entity}s`;
  const cmd = new Command(plural).description(`manage ${plural}`);
  const create = withAdminOptions(cmd.command('create'))
    .description(`create a ${entity}`)
    .requiredOption('--name <name>', `the ${entity}'s name`)
    .option('--id <id>', 'choose the id (default: generated)')
    .option('--budget <amount/period>', 'spend limit in USD per period, e.g. 100/1M (repeatable)', collect)
    .option('--json', 'machine-readable output');
  if (entity === 'team') {
    create
      .option('--customer <id>', 'customer the team belongs to')
      .option('--rpm <n>', 'requests per minute for the whole team', positiveInt('--rpm'))
      .option('--tpm <n>', 'tokens per minute for the whole team', positiveInt('--tpm'))
      .option('--max-concurrent <n>', 'requests in flight at once for the whole team', positiveInt('--max-concurrent'));
  }
  create.action(async (o) => {
    const input: Record<string, unknown> = { name: o.name };
    if (o.id) input.id = o.id;
    try { if (o.budget) input.budgets = (o.budget as string[]).map(parseBudget); } catch (err) { fail((err as Error).message); }
    if (o.customer) input.customerId = o.customer;
    const limits = Object.fromEntries(([['rpm', o.rpm], ['tpm', o.tpm], ['maxConcurrent', o.maxConcurrent]] as const).filter(([, v]) => v !== undefined));
    if (Object.keys(limits).length) input.limits = limits;
    const r = await adminCall<EntityView>(o, 'POST', `/api/${plural}`, input);
    if (o.json) { console.log(JSON.stringify(r, null, 2)); return; }
    console.log(r.id);
  });
  withAdminOptions(cmd.command('list'))
    .description(`list ${plural}`)
    .option('--json', 'machine-readable output')
    .action(async (o) => {
      const { data } = await adminCall<{ data: EntityView[] }>(o, 'GET', `/api/${plural}`);
      if (o.json) { console.log(JSON.stringify(data, null, 2)); return; }
      const head = ['ID', 'NAME', ...(entity === 'team' ? ['CUSTOMER', 'LIMITS'] : []), 'BUDGETS'];
      console.log(table([head, ...data.map((e) => [
        e.id, e.name || '-',
        ...(entity === 'team' ? [e.customerId ?? '-', Object.entries(e.limits ?? {}).map(([k, v]) => `${k}=${v}`).join(',') || '-'] : []),
        (e.budgets ?? []).map((b) => `$${b.amountUsd}/${b.period}`).join(',') || '-',
      ])]));
    });
  return cmd;
}

export const teamsCommand = (): Command => entityCommand('team');
export const customersCommand = (): Command => entityCommand('customer');
