import { Command } from 'commander';
import { PROVIDER_KINDS } from '../providers/catalog.js';

export function providersCommand(): Command {
  return new Command('providers')
    .description('list the provider types Switchyard speaks and what each supports')
    .option('--json', 'machine-readable output')
    .action((opts) => {
      if (opts.json) {
        console.log(JSON.stringify(PROVIDER_KINDS.map((k) => ({ type: k.kind, name: k.title, base_url: k.baseUrl ?? null, env: k.apiKeyEnv ?? k.baseUrlEnv ?? null, ...k.capabilities })), null, 2));
        return;
      }
      const cols = ['chat', 'stream', 'tools', 'vision', 'embeddings', 'completions'] as const;
      const rows = PROVIDER_KINDS.map((k) => [k.kind, k.apiKeyEnv ?? k.baseUrlEnv ?? '-', ...cols.map((c) => (k.capabilities[c] ? 'yes' : '-'))]);
      const header = ['type', 'env', ...cols];
      const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
      const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join('  ');
      console.log(line(header));
      for (const r of rows) console.log(line(r));
    });
}
