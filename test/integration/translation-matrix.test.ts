/**
 * The translation matrix: ONE node with every native provider pointed at its mock upstream, and every
 * ingress dialect (each through its official SDK, Cohere through fetch + SSE) sending to every provider:
 * text, streamed text, a streamed parallel tool call (arguments reassembled per call and compared exactly
 * with what the upstream mock produced), and a base64 image (the upstream must have received its bytes).
 * Each case is its own test named `${dialect} -> ${provider}: ${case}`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startNode, type NodeHandle } from '../helpers/node-process.js';
import {
  bodyWithMarker, dialectDrivers, DIALECT_NAMES, imagesIn, PNG_BYTES, PROVIDER_LABELS, startUpstreams, TOOL_NAMES,
  type DialectDriver, type ProviderCase, type Upstreams,
} from '../helpers/matrix/index.js';

let up: Upstreams;
let node: NodeHandle;
const drivers = new Map<string, DialectDriver>();
const providers = new Map<string, ProviderCase>();

before(async () => {
  up = await startUpstreams();
  node = await startNode({ workers: 1, config: up.config });
  for (const d of dialectDrivers(node.url)) drivers.set(d.name, d);
  for (const p of up.providers) providers.set(p.label, p);
});
after(async () => {
  for (const d of drivers.values()) d.close();
  await node?.stop();
  await up?.close();
});

/** A marker unique to one case, so its upstream request can be found among all recorded ones. */
const marker = (dialect: string, provider: string, kase: string) => `mx${dialect}${provider.replace(/\W/g, '')}${kase}`;

for (const dialectName of DIALECT_NAMES) {
  describe(`${dialectName} dialect`, () => {
    for (const providerLabel of PROVIDER_LABELS) {
      const name = (kase: string) => `${dialectName} -> ${providerLabel}: ${kase}`;
      const ctx = () => ({ d: drivers.get(dialectName)!, p: providers.get(providerLabel)! });

      test(name('text'), async () => {
        const { d, p } = ctx();
        const prompt = `hello ${marker(dialectName, providerLabel, 'text')}`;
        assert.equal(await d.text(p.model, prompt), p.reply(prompt, 0));
      });

      test(name('streamed text'), async () => {
        const { d, p } = ctx();
        const prompt = `please stream this ${marker(dialectName, providerLabel, 'stream')} now`;
        const r = await d.streamText(p.model, prompt);
        assert.equal(r.text, p.reply(prompt, 0));
        assert.ok(r.chunks >= 3, `expected the text in several chunks, got ${r.chunks}`);
      });

      test(name('streamed parallel tool call'), async () => {
        const { d, p } = ctx();
        const prompt = `parallel ${marker(dialectName, providerLabel, 'tools')}: "quotes", back\\slash and ünïcödé`;
        const calls = await d.streamTools(p.model, prompt);
        assert.deepEqual(calls.map((c) => c.name), [...TOOL_NAMES]);
        calls.forEach((c, i) => {
          const expected = p.toolArgs(prompt, i);
          if (d.argsAreObjects) assert.deepEqual(JSON.parse(c.args), JSON.parse(expected));
          else assert.equal(c.args, expected);
        });
      });

      test(name('image input'), async () => {
        const { d, p } = ctx();
        const prompt = `describe ${marker(dialectName, providerLabel, 'image')}`;
        assert.equal(await d.image(p.model, prompt), p.reply(prompt, 1));
        if (!p.upstreamBodies) return; // the built-in mock has no upstream to inspect
        const images = imagesIn(bodyWithMarker(p.upstreamBodies(), marker(dialectName, providerLabel, 'image')));
        assert.deepEqual(images, [PNG_BYTES]);
      });
    }
  });
}
