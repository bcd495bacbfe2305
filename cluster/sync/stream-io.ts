/**
 * One message per stream direction: the writer sends its payload and closes its write side, the
 * reader collects until end-of-stream. No framing needed, and the byte bound is enforced while reading.
 */
export interface ByteChunks {
  subarray(): Uint8Array;
}

export async function readAll(source: AsyncIterable<Uint8Array | ByteChunks>, maxBytes: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of source) {
    const bytes = chunk instanceof Uint8Array ? chunk : chunk.subarray();
    total += bytes.byteLength;
    if (total > maxBytes) throw new OversizedError(total, maxBytes);
    chunks.push(bytes);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

export class OversizedError extends Error {
  constructor(
    readonly bytes: number,
    readonly maxBytes: number,
  ) {
    super(`sync payload exceeds ${maxBytes} bytes`);
  }
}
