/**
 * Command-line options for bench entry points, on top of node's own `util.parseArgs`: adds number and
 * number-list options, defaults, validation with a clear message, and `--help` generated from the spec.
 */
import { parseArgs } from 'node:util';

type Kind = 'string' | 'number' | 'boolean' | 'numbers';
interface OptSpec<K extends Kind = Kind> { kind: K; help: string; default?: KindValue<K> }
type KindValue<K extends Kind> = K extends 'string' ? string : K extends 'number' ? number : K extends 'boolean' ? boolean : number[];
type Spec = Record<string, OptSpec>;
type Parsed<S extends Spec> = { [N in keyof S]: S[N] extends OptSpec<infer K> ? (S[N] extends { default: unknown } ? KindValue<K> : KindValue<K> | undefined) : never };

type WithDefault<K extends Kind> = OptSpec<K> & { default: KindValue<K> };

function make<K extends Kind>(kind: K): { (help: string): OptSpec<K>; (help: string, def: KindValue<K>): WithDefault<K> } {
  return ((help: string, def?: KindValue<K>) => (def === undefined ? { kind, help } : { kind, help, default: def })) as never;
}

export const opt = {
  string: make('string'),
  number: make('number'),
  numbers: make('numbers'),
  flag: (help: string): WithDefault<'boolean'> => ({ kind: 'boolean', help, default: false }),
};

export class UsageError extends Error {}

/** Parses `argv` (without node and script); throws UsageError on unknown options or bad values. */
export function parseCli<S extends Spec>(usage: string, spec: S, argv: string[] = process.argv.slice(2)): Parsed<S> & { help: boolean } {
  const options: Record<string, { type: 'string' | 'boolean' }> = { help: { type: 'boolean' } };
  for (const [name, s] of Object.entries(spec)) options[name] = { type: s.kind === 'boolean' ? 'boolean' : 'string' };
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values as typeof values;
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n\n${helpText(usage, spec)}`);
  }
  const out: Record<string, unknown> = { help: values.help === true };
  for (const [name, s] of Object.entries(spec)) {
    const raw = values[name];
    if (raw === undefined) {
      out[name] = s.default;
      continue;
    }
    out[name] = convert(name, s.kind, raw);
  }
  if (out.help) {
    process.stdout.write(helpText(usage, spec) + '\n');
    process.exit(0);
  }
  return out as Parsed<S> & { help: boolean };
}

function convert(name: string, kind: Kind, raw: string | boolean): unknown {
  if (kind === 'boolean') return raw;
  const text = String(raw);
  if (kind === 'string') return text;
  const nums = text.split(',').map((p) => p.trim()).filter(Boolean).map(Number);
  if (nums.length === 0 || nums.some((n) => !Number.isFinite(n) || n < 0)) {
    throw new UsageError(`--${name} expects ${kind === 'number' ? 'a non-negative number' : 'a comma-separated list of non-negative numbers'}, got "${text}"`);
  }
  if (kind === 'number' && nums.length !== 1) throw new UsageError(`--${name} expects one number, got "${text}"`);
  return kind === 'number' ? nums[0] : nums;
}

export function helpText(usage: string, spec: Spec): string {
  const rows = Object.entries(spec).map(([name, s]) => {
    const arg = s.kind === 'boolean' ? '' : s.kind === 'numbers' ? ' <n,n,...>' : s.kind === 'number' ? ' <n>' : ' <value>';
    const def = s.default === undefined || s.kind === 'boolean' ? '' : ` (default ${Array.isArray(s.default) ? s.default.join(',') : String(s.default)})`;
    return [`  --${name}${arg}`, `${s.help}${def}`];
  });
  const w = Math.max(...rows.map((r) => r[0].length));
  return [usage, '', 'Options:', ...rows.map(([a, b]) => `${a.padEnd(w)}  ${b}`), `${'  --help'.padEnd(w)}  show this text`].join('\n');
}
