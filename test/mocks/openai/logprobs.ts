/** Deterministic logprobs in the documented shapes (chat `ChatCompletionTokenLogprob`, legacy `Logprobs`). */
import { wordPieces } from './text.js';

export interface TokenLogprob {
  token: string;
  logprob: number;
  bytes: number[];
  top_logprobs: Array<{ token: string; logprob: number; bytes: number[] }>;
}

/** Log-probability of the i-th token: -0.01, -0.02, ... -0.09, then repeating. */
export function tokenLogprob(i: number): number {
  return -Number((0.01 * ((i % 9) + 1)).toFixed(2));
}

function bytesOf(s: string): number[] {
  return [...Buffer.from(s, 'utf8')];
}

/** One entry per word piece; `top` alternatives start with the token itself, then `alt1`, `alt2`, ... each 1 nat less likely. */
export function chatTokenLogprobs(text: string, top: number, offset = 0): TokenLogprob[] {
  return wordPieces(text).map((token, j) => {
    const logprob = tokenLogprob(offset + j);
    const alternatives = Array.from({ length: top }, (_, k) => {
      const t = k === 0 ? token : `alt${k}`;
      return { token: t, logprob: Number((logprob - k).toFixed(2)), bytes: bytesOf(t) };
    });
    return { token, logprob, bytes: bytesOf(token), top_logprobs: alternatives };
  });
}

/** Legacy completions logprobs object: parallel arrays over the word pieces of `text`. */
export function legacyLogprobs(text: string, top: number, offset = 0): {
  tokens: string[]; token_logprobs: number[]; top_logprobs: Array<Record<string, number>>; text_offset: number[];
} {
  const entries = chatTokenLogprobs(text, top, offset);
  let pos = 0;
  const text_offset = entries.map((e) => { const p = pos; pos += e.token.length; return p; });
  return {
    tokens: entries.map((e) => e.token),
    token_logprobs: entries.map((e) => e.logprob),
    top_logprobs: entries.map((e) => Object.fromEntries(e.top_logprobs.map((a) => [a.token, a.logprob]))),
    text_offset,
  };
}
