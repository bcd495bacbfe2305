/**
 * Our provider adapters against a mock we did not write: @copilotkit/aimock serves the OpenAI, Anthropic,
 * Gemini, Vertex, Bedrock, Azure and Cohere wire formats from one set of fixtures. A node points one
 * provider of each kind at it, and an OpenAI client checks that text, streamed text and (streamed and
 * non-streamed) parallel tool calls come through each adapter exactly as the fixture says.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import OpenAI from 'openai';
import { startNode, type NodeHandle } from '../helpers/node-process.js';
import { AIMOCK_TARGETS, AIMOCK_TEXT, AIMOCK_TOOL_CALLS, startAimock, TEXT_PROMPT, TOOLS_PROMPT, type Aimock } from '../helpers/matrix/index.js';

let aimock: Aimock;
let node: NodeHandle;
let client: OpenAI;

before(async () => {
  aimock = await startAimock();
  node = await startNode({ workers: 1, config: aimock.config });
  client = new OpenAI({ baseURL: `${node.url}/v1`, apiKey: 'sk-client-aimock', maxRetries: 0 });
});
after(async () => { await node?.stop(); await aimock?.close(); });
beforeEach(() => aimock.mock.clearRequests());

const tools = AIMOCK_TOOL_CALLS.map((c) => ({ type: 'function' as const, function: { name: c.name, parameters: { type: 'object', properties: {} } } }));
const expectedCalls = AIMOCK_TOOL_CALLS.map((c) => ({ name: c.name, arguments: c.arguments }));

/** The one request aimock received, which must have hit the provider's own API path and matched a fixture. */
function upstreamRequest(path: RegExp): void {
  const reqs = aimock.mock.getRequests();
  assert.equal(reqs.length, 1, `requests: ${reqs.map((r) => `${r.method} ${r.path} -> ${r.response.status}`).join(', ')}`);
  assert.match(reqs[0]!.path, path);
  assert.equal(reqs[0]!.response.status, 200);
}

for (const t of AIMOCK_TARGETS) {
  describe(`aimock -> ${t.label}`, () => {
    test(`${t.label}: text`, async () => {
      const r = await client.chat.completions.create({ model: t.model, messages: [{ role: 'user', content: `${TEXT_PROMPT} please` }] });
      assert.equal(r.choices[0]!.message.content, AIMOCK_TEXT);
      assert.equal(r.choices[0]!.finish_reason, 'stop');
      upstreamRequest(t.path);
    });

    test(`${t.label}: streamed text`, async () => {
      const s = await client.chat.completions.create({ model: t.model, stream: true, messages: [{ role: 'user', content: `${TEXT_PROMPT} in a stream` }] });
      let text = '';
      let pieces = 0;
      let finish: string | null | undefined;
      for await (const c of s) {
        const d = c.choices[0]?.delta.content;
        if (d) { text += d; pieces++; }
        finish = c.choices[0]?.finish_reason ?? finish;
      }
      assert.equal(text, AIMOCK_TEXT);
      assert.ok(pieces >= 3, `expected the text in several pieces, got ${pieces}`);
      assert.equal(finish, 'stop');
      upstreamRequest(t.path);
    });

    test(`${t.label}: parallel tool calls`, async () => {
      const r = await client.chat.completions.create({ model: t.model, tools, messages: [{ role: 'user', content: TOOLS_PROMPT }] });
      const calls = r.choices[0]!.message.tool_calls ?? [];
      assert.deepEqual(calls.map((c) => (c.type === 'function' ? { name: c.function.name, arguments: c.function.arguments } : c)), expectedCalls);
      assert.equal(r.choices[0]!.finish_reason, 'tool_calls');
      assert.equal(new Set(calls.map((c) => c.id)).size, 2);
      upstreamRequest(t.path);
    });

    test(`${t.label}: streamed parallel tool calls`, async () => {
      const s = await client.chat.completions.create({ model: t.model, stream: true, tools, messages: [{ role: 'user', content: `${TOOLS_PROMPT} streaming` }] });
      const calls = new Map<number, { name: string; arguments: string }>();
      let finish: string | null | undefined;
      for await (const c of s) {
        for (const tc of c.choices[0]?.delta.tool_calls ?? []) {
          const slot = calls.get(tc.index) ?? { name: '', arguments: '' };
          slot.name += tc.function?.name ?? '';
          slot.arguments += tc.function?.arguments ?? '';
          calls.set(tc.index, slot);
        }
        finish = c.choices[0]?.finish_reason ?? finish;
      }
      assert.deepEqual([...calls.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v), expectedCalls);
      assert.equal(finish, 'tool_calls');
      upstreamRequest(t.path);
    });
  });
}
