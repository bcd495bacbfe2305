/**
 * One driver per ingress dialect, each using the client a real user of that API would use (the official
 * SDK, or raw fetch + SSE for Cohere), reduced to the four operations the translation matrix checks.
 * Clients are built once per node and reused across cases.
 */
import Anthropic from '@anthropic-ai/sdk';
import {
  BedrockRuntimeClient, ConverseCommand, ConverseStreamCommand, type ContentBlock, type Tool as BedrockTool,
} from '@aws-sdk/client-bedrock-runtime';
import { GoogleGenAI, Type } from '@google/genai';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { createParser } from 'eventsource-parser';
import OpenAI from 'openai';
import { PNG_B64, PNG_BYTES, PNG_DATA_URL } from './images.js';

export const TOOL_NAMES = ['get_weather', 'get_time'] as const;

export interface StreamedText { text: string; chunks: number }
export interface StreamedCall { name: string; args: string }

export interface DialectDriver {
  name: string;
  /** True when the dialect carries tool arguments as JSON objects (compare parsed), not as a string. */
  argsAreObjects: boolean;
  text(model: string, prompt: string): Promise<string>;
  streamText(model: string, prompt: string): Promise<StreamedText>;
  /** Streams a request offering both tools; returns each call with its arguments reassembled from the deltas. */
  streamTools(model: string, prompt: string): Promise<StreamedCall[]>;
  /** Sends the test PNG (base64) with `prompt`; returns the answer text. */
  image(model: string, prompt: string): Promise<string>;
  close(): void;
}

const schema = { type: 'object', properties: { input: { type: 'string' } } } as const;

function openaiDriver(base: string): DialectDriver {
  const client = new OpenAI({ baseURL: `${base}/v1`, apiKey: 'sk-client-matrix', maxRetries: 0 });
  const tools = TOOL_NAMES.map((name) => ({ type: 'function' as const, function: { name, description: `${name} tool`, parameters: { ...schema } } }));
  return {
    name: 'openai', argsAreObjects: false,
    async text(model, prompt) {
      const r = await client.chat.completions.create({ model, messages: [{ role: 'user', content: prompt }] });
      return r.choices[0]!.message.content ?? '';
    },
    async streamText(model, prompt) {
      const s = await client.chat.completions.create({ model, stream: true, messages: [{ role: 'user', content: prompt }] });
      let text = '';
      let chunks = 0;
      for await (const c of s) {
        const d = c.choices[0]?.delta.content;
        if (d) { text += d; chunks++; }
      }
      return { text, chunks };
    },
    async streamTools(model, prompt) {
      const s = await client.chat.completions.create({ model, stream: true, tools, messages: [{ role: 'user', content: prompt }] });
      const calls = new Map<number, StreamedCall>();
      for await (const c of s) {
        for (const tc of c.choices[0]?.delta.tool_calls ?? []) {
          const slot = calls.get(tc.index) ?? { name: '', args: '' };
          if (tc.function?.name) slot.name += tc.function.name;
          slot.args += tc.function?.arguments ?? '';
          calls.set(tc.index, slot);
        }
      }
      return [...calls.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v);
    },
    async image(model, prompt) {
      const r = await client.chat.completions.create({
        model, messages: [{ role: 'user', content: [{ type: 'text', text: prompt }, { type: 'image_url', image_url: { url: PNG_DATA_URL } }] }],
      });
      return r.choices[0]!.message.content ?? '';
    },
    close() { /* fetch-based: nothing held */ },
  };
}

function anthropicDriver(base: string): DialectDriver {
  const client = new Anthropic({ baseURL: `${base}/anthropic`, apiKey: 'sk-client-matrix', maxRetries: 0 });
  const tools: Anthropic.Tool[] = TOOL_NAMES.map((name) => ({ name, description: `${name} tool`, input_schema: { ...schema } }));
  const textOf = (m: Anthropic.Message) => m.content.filter((b): b is Anthropic.TextBlock => b.type === 'text').map((b) => b.text).join('');
  return {
    name: 'anthropic', argsAreObjects: false,
    async text(model, prompt) {
      return textOf(await client.messages.create({ model, max_tokens: 256, messages: [{ role: 'user', content: prompt }] }));
    },
    async streamText(model, prompt) {
      const s = client.messages.stream({ model, max_tokens: 256, messages: [{ role: 'user', content: prompt }] });
      let text = '';
      let chunks = 0;
      s.on('text', (d) => { text += d; chunks++; });
      await s.finalMessage();
      return { text, chunks };
    },
    async streamTools(model, prompt) {
      const s = client.messages.stream({ model, max_tokens: 256, tools, messages: [{ role: 'user', content: prompt }] });
      const calls = new Map<number, StreamedCall>();
      s.on('streamEvent', (e) => {
        if (e.type === 'content_block_start' && e.content_block.type === 'tool_use') calls.set(e.index, { name: e.content_block.name, args: '' });
        if (e.type === 'content_block_delta' && e.delta.type === 'input_json_delta') calls.get(e.index)!.args += e.delta.partial_json;
      });
      await s.finalMessage();
      return [...calls.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v);
    },
    async image(model, prompt) {
      return textOf(await client.messages.create({
        model, max_tokens: 256,
        messages: [{ role: 'user', content: [{ type: 'text', text: prompt }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG_B64 } }] }],
      }));
    },
    close() { /* fetch-based */ },
  };
}

function genaiDriver(base: string): DialectDriver {
  const ai = new GoogleGenAI({ apiKey: 'client-matrix', httpOptions: { baseUrl: `${base}/genai` } });
  const functionDeclarations = TOOL_NAMES.map((name) => ({ name, description: `${name} tool`, parameters: { type: Type.OBJECT, properties: { input: { type: Type.STRING } } } }));
  return {
    name: 'genai', argsAreObjects: true,
    async text(model, prompt) {
      return (await ai.models.generateContent({ model, contents: prompt })).text ?? '';
    },
    async streamText(model, prompt) {
      let text = '';
      let chunks = 0;
      for await (const c of await ai.models.generateContentStream({ model, contents: prompt })) {
        if (c.text) { text += c.text; chunks++; }
      }
      return { text, chunks };
    },
    async streamTools(model, prompt) {
      const out: StreamedCall[] = [];
      const s = await ai.models.generateContentStream({ model, contents: prompt, config: { tools: [{ functionDeclarations }] } });
      for await (const c of s) for (const fc of c.functionCalls ?? []) out.push({ name: fc.name ?? '', args: JSON.stringify(fc.args ?? null) });
      return out;
    },
    async image(model, prompt) {
      const r = await ai.models.generateContent({ model, contents: [{ role: 'user', parts: [{ text: prompt }, { inlineData: { mimeType: 'image/png', data: PNG_B64 } }] }] });
      return r.text ?? '';
    },
    close() { /* fetch-based */ },
  };
}

function bedrockDriver(base: string): DialectDriver {
  const client = new BedrockRuntimeClient({
    region: 'us-east-1', endpoint: `${base}/bedrock`, maxAttempts: 1,
    credentials: { accessKeyId: 'client-matrix', secretAccessKey: 'client-matrix-secret' },
    requestHandler: new NodeHttpHandler({ connectionTimeout: 5_000, requestTimeout: 20_000 }),
  });
  const tools: BedrockTool[] = TOOL_NAMES.map((name) => ({ toolSpec: { name, description: `${name} tool`, inputSchema: { json: { ...schema } } } }));
  const user = (...content: ContentBlock[]) => [{ role: 'user' as const, content }];
  const textOf = (blocks: ContentBlock[] | undefined) => (blocks ?? []).map((b) => b.text ?? '').join('');
  return {
    name: 'bedrock', argsAreObjects: false,
    async text(model, prompt) {
      const r = await client.send(new ConverseCommand({ modelId: model, messages: user({ text: prompt }) }));
      return textOf(r.output?.message?.content);
    },
    async streamText(model, prompt) {
      const r = await client.send(new ConverseStreamCommand({ modelId: model, messages: user({ text: prompt }) }));
      let text = '';
      let chunks = 0;
      for await (const ev of r.stream!) {
        const t = ev.contentBlockDelta?.delta?.text;
        if (t) { text += t; chunks++; }
      }
      return { text, chunks };
    },
    async streamTools(model, prompt) {
      const r = await client.send(new ConverseStreamCommand({ modelId: model, messages: user({ text: prompt }), toolConfig: { tools } }));
      const calls = new Map<number, StreamedCall>();
      for await (const ev of r.stream!) {
        const tu = ev.contentBlockStart?.start?.toolUse;
        if (tu) calls.set(ev.contentBlockStart!.contentBlockIndex!, { name: tu.name ?? '', args: '' });
        const d = ev.contentBlockDelta?.delta?.toolUse;
        if (d) calls.get(ev.contentBlockDelta!.contentBlockIndex!)!.args += d.input ?? '';
      }
      return [...calls.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v);
    },
    async image(model, prompt) {
      const r = await client.send(new ConverseCommand({ modelId: model, messages: user({ text: prompt }, { image: { format: 'png', source: { bytes: new Uint8Array(PNG_BYTES) } } }) }));
      return textOf(r.output?.message?.content);
    },
    close() { client.destroy(); },
  };
}

interface CohereEvent { type: string; index?: number; delta?: any }

function cohereDriver(base: string): DialectDriver {
  const tools = TOOL_NAMES.map((name) => ({ type: 'function', function: { name, description: `${name} tool`, parameters: { ...schema } } }));
  const post = async (body: object): Promise<Response> => {
    const res = await fetch(`${base}/cohere/v2/chat`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer client-matrix' }, body: JSON.stringify(body) });
    if (res.status !== 200) throw new Error(`cohere dialect: HTTP ${res.status}: ${await res.text()}`);
    return res;
  };
  /** Parses the SSE body the way a Cohere client does: one JSON event per `data:`. */
  const events = async (res: Response): Promise<CohereEvent[]> => {
    const out: CohereEvent[] = [];
    const parser = createParser({ onEvent: (e) => { out.push(JSON.parse(e.data) as CohereEvent); } });
    const decoder = new TextDecoder();
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) parser.feed(decoder.decode(chunk, { stream: true }));
    return out;
  };
  const textOf = (body: any) => ((body?.message?.content ?? []) as Array<{ text?: string }>).map((c) => c.text ?? '').join('');
  return {
    name: 'cohere', argsAreObjects: false,
    async text(model, prompt) {
      return textOf(await (await post({ model, messages: [{ role: 'user', content: prompt }] })).json());
    },
    async streamText(model, prompt) {
      const evs = await events(await post({ model, stream: true, messages: [{ role: 'user', content: prompt }] }));
      const deltas = evs.filter((e) => e.type === 'content-delta').map((e) => String(e.delta?.message?.content?.text ?? ''));
      return { text: deltas.join(''), chunks: deltas.filter(Boolean).length };
    },
    async streamTools(model, prompt) {
      const evs = await events(await post({ model, stream: true, tools, messages: [{ role: 'user', content: prompt }] }));
      const calls = new Map<number, StreamedCall>();
      for (const e of evs) {
        const tc = e.delta?.message?.tool_calls;
        if (e.type === 'tool-call-start') calls.set(e.index!, { name: tc.function.name, args: tc.function.arguments ?? '' });
        if (e.type === 'tool-call-delta') calls.get(e.index!)!.args += tc.function.arguments ?? '';
      }
      return [...calls.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v);
    },
    async image(model, prompt) {
      return textOf(await (await post({ model, messages: [{ role: 'user', content: [{ type: 'text', text: prompt }, { type: 'image_url', image_url: { url: PNG_DATA_URL } }] }] })).json());
    },
    close() { /* fetch-based */ },
  };
}

/** Every ingress dialect, pointed at the node at `base`. */
export function dialectDrivers(base: string): DialectDriver[] {
  return [openaiDriver(base), anthropicDriver(base), genaiDriver(base), bedrockDriver(base), cohereDriver(base)];
}

export const DIALECT_NAMES = ['openai', 'anthropic', 'genai', 'bedrock', 'cohere'] as const;
