/**
 * Reads a server-sent-events body as batches of events: everything parsed from one upstream read comes
 * out together so that the writer can forward it with one write. Parsing is done by eventsource-parser.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';

export async function* sseBatches(body: AsyncIterable<Uint8Array>): AsyncGenerator<EventSourceMessage[]> {
  let batch: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (e) => { batch.push(e); } });
  const decoder = new TextDecoder();
  for await (const chunk of body) {
    parser.feed(decoder.decode(chunk, { stream: true }));
    if (batch.length) {
      const out = batch;
      batch = [];
      yield out;
    }
  }
  parser.feed(decoder.decode() + '\n\n');
  if (batch.length) yield batch;
}
