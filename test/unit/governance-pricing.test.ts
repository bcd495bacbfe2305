import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUNDLED_PRICES, PRICES_AS_OF, Pricer, costOf, estimateMaxCost, matchKey } from '../../src/governance/index.js';

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} != ${b}`);

test('the bundled table is dated and covers the main providers', () => {
  assert.match(PRICES_AS_OF, /^\d{4}-\d{2}-\d{2}$/);
  for (const p of ['openai', 'anthropic', 'gemini', 'mistral', 'groq', 'deepseek', 'xai', 'cohere', 'bedrock'])
    assert.ok(Object.keys(BUNDLED_PRICES.providers[p]!.models).length > 0, p);
  for (const [p, { models }] of Object.entries(BUNDLED_PRICES.providers))
    for (const [m, price] of Object.entries(models)) {
      assert.ok(Number.isFinite(price.input) && price.input >= 0 && Number.isFinite(price.output) && price.output >= 0, `${p}/${m}`);
      assert.equal(m, m.toLowerCase(), `${p}/${m} keys are lower-case`);
    }
});

test('matchKey: exact first, then longest prefix at a - @ : boundary', () => {
  const keys = ['gpt-4o', 'gpt-4o-mini', 'gpt-4', 'gpt-4o-2024-05-13'];
  assert.equal(matchKey(keys, 'gpt-4o'), 'gpt-4o');
  assert.equal(matchKey(keys, 'gpt-4o-2024-08-06'), 'gpt-4o');
  assert.equal(matchKey(keys, 'gpt-4o-2024-05-13'), 'gpt-4o-2024-05-13');
  assert.equal(matchKey(keys, 'gpt-4o-mini-2024-07-18'), 'gpt-4o-mini');
  assert.equal(matchKey(keys, 'gpt-4.1'), undefined);
  assert.equal(matchKey(keys, 'gpt-4o1'), undefined);
  assert.equal(matchKey(['claude-3-5-sonnet'], 'claude-3-5-sonnet-v2@20241022'), 'claude-3-5-sonnet');
  assert.equal(matchKey(['x', '*'], 'y'), '*');
});

test('costOf: input, cached input and output at $/1M', () => {
  // gpt-4o: 2.5 in, 1.25 cached, 10 out
  const c = costOf('openai', 'gpt-4o-2024-08-06', { prompt_tokens: 1000, completion_tokens: 500, prompt_tokens_details: { cached_tokens: 400 } });
  assert.equal(c.known, true);
  assert.equal(c.match?.entry, 'openai/gpt-4o');
  close(c.breakdown.input, (600 * 2.5) / 1e6);
  close(c.breakdown.cachedInput, (400 * 1.25) / 1e6);
  close(c.breakdown.output, (500 * 10) / 1e6);
  close(c.usd, 0.0015 + 0.0005 + 0.005);
});

test('Anthropic cache writes and reads are priced separately (prompt_tokens includes both)', () => {
  const c = costOf('anthropic', 'claude-sonnet-4-5-20250929', {
    prompt_tokens: 10_000,
    completion_tokens: 1_000,
    prompt_tokens_details: { cached_tokens: 6_000, cache_creation_tokens: 3_000 },
  });
  // 1000 fresh * 3 + 6000 * 0.3 + 3000 * 3.75 + 1000 * 15
  close(c.usd, (1000 * 3 + 6000 * 0.3 + 3000 * 3.75 + 1000 * 15) / 1e6);
});

test('decorated names: Gemini resource names, Bedrock region profiles, Vertex, Azure, aggregator prefixes', () => {
  const u = { prompt_tokens: 1_000_000, completion_tokens: 0 };
  assert.equal(costOf('gemini', 'models/gemini-2.5-flash-lite', u).match?.entry, 'gemini/gemini-2.5-flash-lite');
  assert.equal(costOf('bedrock', 'us.anthropic.claude-3-5-haiku-20241022-v1:0', u).match?.entry, 'bedrock/anthropic.claude-3-5-haiku');
  assert.equal(costOf('bedrock', 'amazon.titan-embed-text-v2:0', u).usd, 0.02);
  assert.equal(costOf('vertex', 'claude-3-5-sonnet-v2@20241022', u).match?.entry, 'anthropic/claude-3-5-sonnet');
  assert.equal(costOf('vertex', 'gemini-2.5-pro', u).usd, 1.25);
  assert.equal(costOf('azure', 'gpt-4o-mini', u).usd, 0.15);
  assert.equal(costOf('openrouter', 'openai/gpt-4o', u).match?.entry, 'openai/gpt-4o');
  assert.equal(costOf('openai', 'openai/gpt-4o', u).usd, 2.5);
  assert.equal(costOf('groq', 'openai/gpt-oss-120b', u).match?.entry, 'groq/openai/gpt-oss-120b');
  assert.equal(costOf('deepseek', 'deepseek-chat', { prompt_tokens: 0, completion_tokens: 1_000_000 }).usd, 1.1);
  assert.equal(costOf('mock', 'anything', u).usd, 0);
  assert.equal(costOf('mock', 'anything', u).known, true);
});

test('embeddings cost input only', () => {
  close(costOf('openai', 'text-embedding-3-small', { prompt_tokens: 5000, completion_tokens: 0 }).usd, (5000 * 0.02) / 1e6);
});

test('unknown model costs 0 and is flagged', () => {
  const c = costOf('openai', 'gpt-99-ultra', { prompt_tokens: 100, completion_tokens: 100 });
  assert.deepEqual(c, { usd: 0, known: false, breakdown: { input: 0, cachedInput: 0, cacheWrite: 0, output: 0 } });
  assert.equal(costOf('someone', 'gpt-4o', { prompt_tokens: 1, completion_tokens: 1 }).known, false);
});

test('config overrides win: provider-scoped beats bare, bare applies to any provider', () => {
  const pricer = new Pricer({ 'openai/gpt-4o': { input: 1, output: 2 }, 'gpt-4o': { input: 7, output: 7 }, 'my-ft': { input: 3, output: 4, cached_input: 0.5 } });
  const u = { prompt_tokens: 1_000_000, completion_tokens: 1_000_000 };
  assert.equal(pricer.costOf('openai', 'gpt-4o-2024-11-20', u).usd, 3);
  assert.equal(pricer.costOf('openai', 'gpt-4o-2024-11-20', u).match?.entry, 'override:openai/gpt-4o');
  assert.equal(pricer.costOf('azure', 'gpt-4o', u).usd, 14);
  assert.equal(pricer.costOf('vllm', 'my-ft', { prompt_tokens: 1_000_000, completion_tokens: 0, prompt_tokens_details: { cached_tokens: 1_000_000 } }).usd, 0.5);
  assert.equal(pricer.costOf('openai', 'gpt-4o-mini', u).match?.source, 'table');
  assert.equal(costOf('x', 'my-ft', u, { 'my-ft': { input: 1, output: 1 } }).usd, 2);
});

test('bad usage numbers never produce negative or NaN cost', () => {
  const c = costOf('openai', 'gpt-4o', { prompt_tokens: 10, completion_tokens: -5, prompt_tokens_details: { cached_tokens: 50 } });
  close(c.usd, (10 * 1.25) / 1e6);
});

test('estimateMaxCost for admission reservations', () => {
  close(estimateMaxCost(new Pricer(), 'openai', 'gpt-4o', 1000, 4000), (1000 * 2.5 + 4000 * 10) / 1e6);
  assert.equal(estimateMaxCost(new Pricer(), 'openai', 'nope', 1000, 4000), 0);
});

test('a pricer answers the same on repeated lookups, and after more models than it remembers', () => {
  const pricer = new Pricer({ 'openai/gpt-4o': { input: 1, output: 2 } });
  const first = pricer.priceFor('openai', 'gpt-4o');
  const unknown = pricer.priceFor('openai', 'no-such-model');
  assert.deepEqual(pricer.priceFor('openai', 'gpt-4o'), first);
  assert.equal(pricer.priceFor('openai', 'no-such-model'), unknown);
  // Past the memo's size it starts over; answers do not change.
  for (let i = 0; i < 10_050; i++) pricer.priceFor('openai', `gpt-4o-mini-${i}`);
  assert.deepEqual(pricer.priceFor('openai', 'gpt-4o'), first);
  assert.equal(pricer.priceFor('openai', 'gpt-4o')?.price.input, 1);
  assert.deepEqual(pricer.priceFor('OpenAI', 'GPT-4o'), first);
});
