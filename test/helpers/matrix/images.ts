/**
 * Finding a test's request among everything an upstream recorded, and the image bytes inside it,
 * whatever the wire format (OpenAI/Cohere data URLs, Anthropic source.data, Gemini inlineData.data,
 * Bedrock image.source.bytes are all base64 strings somewhere in the JSON body).
 */

/** A 1x1 PNG. */
export const PNG_B64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
export const PNG_BYTES = Buffer.from(PNG_B64, 'base64');
export const PNG_DATA_URL = `data:image/png;base64,${PNG_B64}`;

/** The single recorded body that mentions `marker` (test prompts carry a unique marker). */
export function bodyWithMarker(bodies: unknown[], marker: string): unknown {
  const hits = bodies.filter((b) => JSON.stringify(b ?? null).includes(marker));
  if (hits.length !== 1) throw new Error(`expected exactly one upstream request mentioning ${marker}, found ${hits.length}`);
  return hits[0];
}

/** Decoded bytes of every base64 image (raw base64 or a base64 data URL) found anywhere in `body`. */
export function imagesIn(body: unknown): Buffer[] {
  const out: Buffer[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      const m = /^data:image\/[\w.+-]+;base64,(.+)$/s.exec(v);
      if (m) out.push(Buffer.from(m[1]!, 'base64'));
      else if (v.length >= 16 && /^[A-Za-z0-9+/]+={0,2}$/.test(v) && Buffer.from(v, 'base64').subarray(0, 8).equals(PNG_BYTES.subarray(0, 8))) out.push(Buffer.from(v, 'base64'));
      return;
    }
    if (Array.isArray(v)) { v.forEach(walk); return; }
    if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(body);
  return out;
}
