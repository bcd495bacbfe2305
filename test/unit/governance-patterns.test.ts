import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { deploymentAllowed, globMatch, globToRegExp, modelAllowed, providerAllowed } from '../../src/governance/index.js';

test('glob basics: exact, star anywhere, case-insensitive, regex chars are literal', () => {
  assert.equal(globMatch('gpt-4o', 'gpt-4o'), true);
  assert.equal(globMatch('gpt-4o', 'gpt-4o-mini'), false);
  assert.equal(globMatch('gpt-4o*', 'gpt-4o-mini'), true);
  assert.equal(globMatch('GPT-4O', 'gpt-4o'), true);
  assert.equal(globMatch('*', ''), true);
  assert.equal(globMatch('gpt-4.1', 'gpt-4x1'), false);
  assert.equal(globMatch('a+b', 'aab'), false);
  assert.equal(globMatch('(x)*', '(x)yz'), true);
  assert.equal(globMatch('*mini*', 'o4-mini-high'), true);
  assert.equal(globToRegExp('a*b').source, '^a.*b$');
});

test('model allow-list: provider-qualified, any-provider, exact, alias', () => {
  const ref = { provider: 'openai', model: 'gpt-4o-mini' };
  assert.equal(modelAllowed(['openai/*'], ref), true);
  assert.equal(modelAllowed(['anthropic/*'], ref), false);
  assert.equal(modelAllowed(['*/gpt-4o*'], ref), true);
  assert.equal(modelAllowed(['*/gpt-4o*'], { provider: 'azure', model: 'gpt-4o' }), true);
  assert.equal(modelAllowed(['gpt-4o-mini'], ref), true);
  assert.equal(modelAllowed(['gpt-4o'], ref), false);
  assert.equal(modelAllowed(['smart'], { ...ref, requested: 'smart' }), true);
  assert.equal(modelAllowed(['smart'], ref), false);
  // a model name that itself contains a slash (OpenRouter)
  assert.equal(modelAllowed(['meta-llama/*'], { provider: 'openrouter', model: 'meta-llama/llama-3-70b' }), true);
  assert.equal(modelAllowed(['openrouter/meta-llama/*'], { provider: 'openrouter', model: 'meta-llama/llama-3-70b' }), true);
  assert.equal(modelAllowed(['openai/*'], { provider: 'openrouter', model: 'meta-llama/llama-3-70b' }), false);
});

test('absent or empty lists do not restrict; provider lists accept globs', () => {
  assert.equal(modelAllowed(undefined, { provider: 'x', model: 'y' }), true);
  assert.equal(modelAllowed([], { provider: 'x', model: 'y' }), true);
  assert.equal(providerAllowed(undefined, 'openai'), true);
  assert.equal(providerAllowed(['openai', 'anthropic'], 'anthropic'), true);
  assert.equal(providerAllowed(['openai'], 'azure'), false);
  assert.equal(providerAllowed(['azure-*'], 'azure-eu'), true);
  assert.equal(deploymentAllowed({ allowedProviders: ['openai'], allowedModels: ['*/gpt-4o*'] }, { provider: 'azure', model: 'gpt-4o' }), false);
  assert.equal(deploymentAllowed({ allowedProviders: ['openai'], allowedModels: ['*/gpt-4o*'] }, { provider: 'openai', model: 'gpt-4o' }), true);
});

const seg = fc.stringMatching(/^[a-z0-9.\-]{1,12}$/);

test('property: a pattern without * matches only its own string (case-insensitively)', () => {
  fc.assert(
    fc.property(seg, seg, (a, b) => {
      assert.equal(globMatch(a, b), a.toLowerCase() === b.toLowerCase());
    }),
  );
});

test('property: prefix* / *suffix / *infix* agree with startsWith / endsWith / includes', () => {
  fc.assert(
    fc.property(seg, fc.string({ maxLength: 20 }), (p, s) => {
      assert.equal(globMatch(`${p}*`, s), s.toLowerCase().startsWith(p));
      assert.equal(globMatch(`*${p}`, s), s.toLowerCase().endsWith(p));
      assert.equal(globMatch(`*${p}*`, s), s.toLowerCase().includes(p));
    }),
  );
});

test('property: provider/* allows exactly that provider\'s models (by qualified name)', () => {
  fc.assert(
    fc.property(seg, seg, seg, (allowedProv, prov, model) => {
      fc.pre(!model.includes('/'));
      const expected = allowedProv === prov;
      assert.equal(modelAllowed([`${allowedProv}/*`], { provider: prov, model }), expected);
    }),
  );
});
