/**
 * Input-token counting for /anthropic/v1/messages/count_tokens. Anthropic upstreams are asked (their
 * /v1/messages/count_tokens is exact). Other upstreams have no such endpoint, so the gateway returns an
 * ESTIMATE: about 4 characters per token over all text, tool definitions and tool inputs, plus a flat
 * 1,600 tokens per image or document (Anthropic's documented cost of an image of about 1.15 megapixels).
 * Estimated answers carry the response header `x-switchyard-token-count: estimate`.
 */
import type { ChatRequest } from '../../core/types.js';
import type { Provider } from '../../providers/index.js';

const CHARS_PER_TOKEN = 4;
const TOKENS_PER_IMAGE = 1600;

/** Providers that can count tokens exactly (the optional Provider.countTokens; Anthropic has it). */
type TokenCounter = Required<Pick<Provider, 'countTokens'>>;

export function exactCounter(p: Provider): TokenCounter | undefined {
  return p.countTokens ? (p as TokenCounter) : undefined;
}

export function estimateTokens(req: ChatRequest): number {
  let chars = 0;
  let media = 0;
  for (const m of req.messages) {
    chars += m.role.length;
    if (typeof m.content === 'string') chars += m.content.length;
    else if (Array.isArray(m.content)) {
      for (const p of m.content) {
        if (p.type === 'text') chars += String((p as { text?: unknown }).text ?? '').length;
        else media++;
      }
    }
    for (const tc of m.tool_calls ?? []) chars += tc.function.name.length + tc.function.arguments.length;
  }
  for (const t of req.tools ?? []) chars += JSON.stringify(t.function).length;
  return Math.max(1, Math.ceil(chars / CHARS_PER_TOKEN) + media * TOKENS_PER_IMAGE);
}
