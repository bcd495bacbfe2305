/**
 * Deterministic text helpers shared by every mock endpoint. Exported so tests can compute the exact
 * values the mock will answer with instead of hard-coding them twice.
 */

/** Number of whitespace-separated words (the mock's stand-in for a tokenizer). */
export function countWords(text: string): number {
  const t = text.trim();
  return t === '' ? 0 : t.split(/\s+/).length;
}

/**
 * Splits text into word pieces whose concatenation is exactly the input: each piece is one word plus
 * the whitespace that follows it. Used for word-by-word streaming and for max_tokens truncation.
 */
export function wordPieces(text: string): string[] {
  if (text === '') return [];
  return text.split(/(?<=\s)(?=\S)/);
}

/** Keeps the first `maxWords` words (original spacing kept, trailing whitespace dropped). */
export function truncateWords(text: string, maxWords: number): string {
  const pieces = wordPieces(text);
  let words = 0;
  let out = '';
  for (const p of pieces) {
    if (/\S/.test(p)) words++;
    if (words > maxWords) break;
    out += p;
  }
  return out.trimEnd();
}

/** Text of an OpenAI message `content`: a string, or an array of parts whose text parts are joined with a space. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter((p): p is { type: string; text: string } => isObject(p) && p.type === 'text' && typeof p.text === 'string')
    .map((p) => p.text)
    .join(' ');
}

/** Number of image_url parts in a message `content`. */
export function imageCount(content: unknown): number {
  if (!Array.isArray(content)) return 0;
  return content.filter((p) => isObject(p) && p.type === 'image_url').length;
}

/** Cuts `text` into fragments of a few UTF-16 units, cycling sizes so cuts land inside JSON tokens and words,
 * but never between the two halves of a surrogate pair (that would make each fragment invalid UTF-16). */
export function fragmentText(text: string, sizes: readonly number[] = [4, 7, 3, 6, 5]): string[] {
  const out: string[] = [];
  let i = 0;
  let k = 0;
  while (i < text.length) {
    let end = Math.min(text.length, i + sizes[k++ % sizes.length]!);
    if (end < text.length && isHighSurrogate(text.charCodeAt(end - 1)) && isLowSurrogate(text.charCodeAt(end))) end++;
    out.push(text.slice(i, end));
    i = end;
  }
  return out;
}

/** True when the string has no unpaired surrogate (String.prototype.isWellFormed is ES2024, beyond our lib). */
export function isWellFormedUtf16(s: string): boolean {
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
}

function isHighSurrogate(c: number): boolean { return c >= 0xd800 && c <= 0xdbff; }
function isLowSurrogate(c: number): boolean { return c >= 0xdc00 && c <= 0xdfff; }

export function isObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
