/**
 * Cost of a request in USD from its token usage and a dated price table (prices.json, $ per 1M tokens),
 * overridable by config. Model names are matched leniently because upstreams report dated or decorated
 * names: "gpt-4o-2024-08-06", "models/gemini-2.5-flash", "us.anthropic.claude-3-5-haiku-20241022-v1:0",
 * "claude-3-5-sonnet-v2@20241022" (Vertex), "openai/gpt-4o" (OpenRouter style). An exact key wins; otherwise
 * the longest key that is a prefix of the name ending at a '-', '@' or ':' boundary ("gpt-4o-mini-2024-07-18"
 * -> "gpt-4o-mini", never "gpt-4o"; "gpt-4.1" never matches "gpt-4"). Unknown models cost 0 and are flagged.
 */
import bundled from './prices.json' with { type: 'json' };
import { BoundedMemo } from './bounded-memo.js';

export interface Price {
  /** $ per 1M uncached input tokens. */
  input: number;
  /** $ per 1M output tokens (reasoning tokens included, as providers bill them). */
  output: number;
  /** $ per 1M input tokens read from the provider's prompt cache; defaults to input. */
  cached_input?: number;
  /** $ per 1M input tokens written to the prompt cache (Anthropic); defaults to input. */
  cache_write?: number;
}

export interface PriceTable {
  as_of: string;
  providers: Record<string, { source?: string; models: Record<string, Price> }>;
}

export const BUNDLED_PRICES: PriceTable = bundled as PriceTable;
export const PRICES_AS_OF: string = BUNDLED_PRICES.as_of;

/** The canonical usage shape (structurally the same as core's Usage). */
export interface TokenUsage {
  prompt_tokens: number;
  completion_tokens: number;
  prompt_tokens_details?: { cached_tokens?: number; cache_creation_tokens?: number; [k: string]: unknown } | null;
}

/**
 * Config overrides: "provider/model" applies to that provider only, a bare "model" to every provider.
 * Matched with the same prefix rules, and before the bundled table.
 */
export type PriceOverrides = Record<string, Price>;

export interface PriceMatch {
  price: Price;
  /** Which table entry matched, e.g. "openai/gpt-4o-mini" or "override:my-ft". */
  entry: string;
  source: 'override' | 'table';
}

export interface Cost {
  usd: number;
  /** false when no price was found: usd is 0 and the caller should flag the request (metric, log). */
  known: boolean;
  match?: PriceMatch;
  breakdown: { input: number; cachedInput: number; cacheWrite: number; output: number };
}

/** Providers that serve another provider's models under the same names. */
const BORROWS: Record<string, string[]> = {
  azure: ['openai'],
  vertex: ['gemini', 'anthropic'],
  openrouter: [],
};
const BEDROCK_REGION = /^(?:us|eu|apac|global|us-gov|jp|au|ca)\./;
const BOUNDARY = new Set(['-', '@', ':']);

function normalizeModel(provider: string, model: string): string {
  let m = model.trim().toLowerCase();
  if (m.startsWith('models/')) m = m.slice('models/'.length); // Gemini resource names
  if (m.startsWith(provider + '/')) m = m.slice(provider.length + 1);
  m = m.replace(BEDROCK_REGION, ''); // Bedrock cross-region inference profiles
  return m;
}

/** Exact key, else the longest key that prefixes `model` at a boundary, else a "*" catch-all. */
export function matchKey(keys: Iterable<string>, model: string): string | undefined {
  let best: string | undefined;
  let wildcard = false;
  for (const raw of keys) {
    const k = raw.toLowerCase();
    if (k === '*') {
      wildcard = true;
      continue;
    }
    if (k === model) return raw;
    if (model.length > k.length && model.startsWith(k) && BOUNDARY.has(model[k.length]!) && (!best || k.length > best.length)) best = raw;
  }
  return best ?? (wildcard ? '*' : undefined);
}

export class Pricer {
  private readonly scopedOverrides = new Map<string, Record<string, Price>>();
  private readonly globalOverrides: Record<string, Price> = {};
  /**
   * Answers per provider, then model (null: no price). A Pricer never changes, and every request prices its
   * model twice (estimate at admission, cost at settlement): the lookup scans the whole table each time.
   */
  private readonly memo = new Map<string, BoundedMemo<PriceMatch | null>>();

  constructor(
    overrides: PriceOverrides = {},
    private readonly table: PriceTable = BUNDLED_PRICES,
  ) {
    for (const [key, price] of Object.entries(overrides)) {
      const slash = key.indexOf('/');
      // "provider/model" when the part before the slash is a known provider or any provider name with a model after it
      if (slash > 0 && slash < key.length - 1) {
        const prov = key.slice(0, slash).toLowerCase();
        const rec = this.scopedOverrides.get(prov) ?? {};
        rec[key.slice(slash + 1).toLowerCase()] = price;
        this.scopedOverrides.set(prov, rec);
      }
      this.globalOverrides[key.toLowerCase()] = price;
    }
  }

  get asOf(): string {
    return this.table.as_of;
  }

  /**
   * The most specific entry across overrides and the table (exact > longer prefix > "*"); on equal
   * specificity the earlier source wins: provider-scoped override, bare override, provider's table, the
   * tables it borrows from. So an override of "gpt-4o" does not capture "gpt-4o-mini".
   */
  priceFor(provider: string, model: string): PriceMatch | undefined {
    let byModel = this.memo.get(provider);
    if (!byModel) this.memo.set(provider, byModel = new BoundedMemo());
    const known = byModel.get(model);
    if (known !== undefined) return known ?? undefined; // null: known to have no price
    return byModel.set(model, this.lookup(provider, model) ?? null) ?? undefined;
  }

  private lookup(provider: string, model: string): PriceMatch | undefined {
    const prov = provider.toLowerCase();
    const m = normalizeModel(prov, model);
    const sources: Array<{ models: Record<string, Price>; entry: (k: string) => string; source: PriceMatch['source'] }> = [];
    const scoped = this.scopedOverrides.get(prov);
    if (scoped) sources.push({ models: scoped, entry: (k) => `override:${prov}/${k}`, source: 'override' });
    sources.push({ models: this.globalOverrides, entry: (k) => `override:${k}`, source: 'override' });
    for (const p of [prov, ...(BORROWS[prov] ?? [])]) {
      const models = this.table.providers[p]?.models;
      if (models) sources.push({ models, entry: (k) => `${p}/${k}`, source: 'table' });
    }
    let best: PriceMatch | undefined;
    let bestScore = -Infinity;
    for (const s of sources) {
      const k = matchKey(Object.keys(s.models), m);
      if (k === undefined) continue;
      const score = k === '*' ? -1 : k.toLowerCase() === m ? Number.MAX_SAFE_INTEGER : k.length;
      if (score > bestScore) {
        best = { price: s.models[k]!, entry: s.entry(k), source: s.source };
        bestScore = score;
      }
    }
    if (best && bestScore >= 0) return best;
    // "openai/gpt-4o" sent to an aggregator: price it as the named provider's model.
    const slash = m.indexOf('/');
    if (slash > 0) {
      const p = m.slice(0, slash);
      const models = this.table.providers[p]?.models;
      const k = models && matchKey(Object.keys(models), m.slice(slash + 1));
      if (models && k && k !== '*') return { price: models[k]!, entry: `${p}/${k}`, source: 'table' };
    }
    return best;
  }

  costOf(provider: string, model: string, usage: TokenUsage): Cost {
    const match = this.priceFor(provider, model);
    const prompt = Math.max(0, usage.prompt_tokens || 0);
    const cached = Math.min(prompt, Math.max(0, usage.prompt_tokens_details?.cached_tokens || 0));
    const written = Math.min(prompt - cached, Math.max(0, usage.prompt_tokens_details?.cache_creation_tokens || 0));
    const fresh = prompt - cached - written; // prompt_tokens includes cache reads and writes
    const output = Math.max(0, usage.completion_tokens || 0);
    if (!match) return { usd: 0, known: false, breakdown: { input: 0, cachedInput: 0, cacheWrite: 0, output: 0 } };
    const p = match.price;
    const breakdown = {
      input: (fresh * p.input) / 1e6,
      cachedInput: (cached * (p.cached_input ?? p.input)) / 1e6,
      cacheWrite: (written * (p.cache_write ?? p.input)) / 1e6,
      output: (output * p.output) / 1e6,
    };
    return { usd: breakdown.input + breakdown.cachedInput + breakdown.cacheWrite + breakdown.output, known: true, match, breakdown };
  }
}

const defaultPricer = new Pricer();

/** Cost with the bundled table (and optional overrides; build a Pricer once when overrides are reused). */
export function costOf(provider: string, model: string, usage: TokenUsage, overrides?: PriceOverrides): Cost {
  return (overrides ? new Pricer(overrides) : defaultPricer).costOf(provider, model, usage);
}

/**
 * Upper-bound estimate for admission-time reservation: prompt tokens (estimated) at the input price plus
 * max output tokens at the output price. Unknown models estimate 0.
 */
export function estimateMaxCost(pricer: Pricer, provider: string, model: string, promptTokens: number, maxOutputTokens: number): number {
  const m = pricer.priceFor(provider, model);
  if (!m) return 0;
  return (Math.max(0, promptTokens) * m.price.input + Math.max(0, maxOutputTokens) * m.price.output) / 1e6;
}
