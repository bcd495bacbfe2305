/**
 * Reads an `application/vnd.amazon.eventstream` body as batches of decoded messages: all messages that
 * completed within one upstream read come out together. Each message's prelude states its total length,
 * which is all we read ourselves; @smithy/eventstream-codec decodes the message (checks both CRCs, parses
 * the typed headers).
 * https://docs.aws.amazon.com/transcribe/latest/dg/event-stream.html (the AWS event stream encoding)
 */
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
const codec = new EventStreamCodec(toUtf8, fromUtf8);

export type Message = ReturnType<EventStreamCodec['decode']>;

/** The string value of a message header (`:event-type`, `:message-type`, ...). */
export function header(m: Message, name: string): string | undefined {
  const h = m.headers[name];
  return h && h.type === 'string' ? h.value : undefined;
}

export async function* eventStreamBatches(body: AsyncIterable<Uint8Array>): AsyncGenerator<Message[]> {
  let buf: Buffer = Buffer.alloc(0);
  for await (const chunk of body) {
    buf = buf.length ? Buffer.concat([buf, chunk]) : Buffer.from(chunk);
    const batch: Message[] = [];
    while (buf.length >= 4) {
      const total = buf.readUInt32BE(0);
      if (total < 16) throw new Error(`invalid event stream message length ${total}`);
      if (buf.length < total) break;
      batch.push(codec.decode(buf.subarray(0, total)));
      buf = buf.subarray(total);
    }
    if (batch.length) yield batch;
  }
  if (buf.length) throw new EventStreamTruncated();
}

export class EventStreamTruncated extends Error {
  constructor() { super('event stream ended inside a message'); }
}
