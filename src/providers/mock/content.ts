/**
 * What the built-in mock answers. Deterministic so that tests and benchmarks can assert exact output:
 * the text echoes the last user message; with tools it calls a tool with the user's text as argument.
 */
import { createHash } from 'node:crypto';
import type { ChatMessage, ChatRequest, ToolCall } from '../../core/types.js';

export function textOf(content: ChatMessage['content']): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((p) => (p.type === 'text' && typeof (p as { text?: unknown }).text === 'string' ? (p as { text: string }).text : '')).filter(Boolean).join(' ');
}

export function lastUserText(req: ChatRequest): string {
  for (let i = req.messages.length - 1; i >= 0; i--) {
    if (req.messages[i].role === 'user') return textOf(req.messages[i].content);
  }
  return '';
}

export function countWords(s: string): number {
  let n = 0;
  for (const w of s.split(/\s+/)) if (w) n++;
  return n;
}

export function promptTokens(req: ChatRequest): number {
  let n = 0;
  for (const m of req.messages) n += countWords(textOf(m.content));
  return Math.max(1, n);
}

export function mockText(req: ChatRequest): string {
  const text = lastUserText(req);
  return text ? `Switchyard mock reply to: ${text}` : 'Switchyard mock reply.';
}

/** Tool calls the mock makes: the forced tool, or the first one (all of them when asked for "parallel"). */
export function mockToolCalls(req: ChatRequest, idSeed: string): ToolCall[] | undefined {
  const tools = req.tools;
  if (!tools?.length || req.tool_choice === 'none') return undefined;
  const user = lastUserText(req);
  let chosen = [tools[0]];
  const tc = req.tool_choice;
  if (tc && typeof tc === 'object') chosen = tools.filter((t) => t.function.name === tc.function.name).slice(0, 1);
  else if (/\bparallel\b/i.test(user) && req.parallel_tool_calls !== false) chosen = tools.slice(0, 3);
  if (!chosen.length) return undefined;
  return chosen.map((t, i) => ({
    id: `call_${idSeed}_${i}`,
    type: 'function' as const,
    function: { name: t.function.name, arguments: JSON.stringify({ input: user, index: i }) },
  }));
}

/** A deterministic unit-length vector derived from the text. */
export function mockEmbedding(text: string, dims: number): number[] {
  const out = new Array<number>(dims);
  let seed = createHash('sha256').update(text).digest();
  let norm = 0;
  for (let i = 0; i < dims; i++) {
    if ((i * 2) % seed.length === 0 && i > 0) seed = createHash('sha256').update(seed).digest();
    const v = seed.readInt16LE((i * 2) % (seed.length - 1)) / 32768;
    out[i] = v;
    norm += v * v;
  }
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < dims; i++) out[i] = out[i] / norm;
  return out;
}

/** Splits text into stream pieces: one word (with its leading space) per chunk. */
export function streamPieces(text: string): string[] {
  return text.match(/\s*\S+/g) ?? [text];
}
