/**
 * Steady client load: `concurrency` loops, each sending one chat completion at a time with a short pause,
 * every request tagged with its own x-request-id so it can be found again in nginx's access log.
 */
export interface LoadRecord {
  id: string;
  /** Date.now() when the request was sent and when its answer (or error) was complete. */
  start: number;
  end: number;
  /** HTTP status; 0 when no response arrived. */
  status: number;
  error?: string;
}

export interface LoadOptions {
  concurrency: number;
  /** Pause between one loop's requests. */
  gapMs: number;
  model: string;
  timeoutMs?: number;
}

export interface Load {
  records: LoadRecord[];
  stop(): Promise<LoadRecord[]>;
}

export function startLoad(baseUrl: string, opts: LoadOptions): Load {
  const records: LoadRecord[] = [];
  let running = true;
  let seq = 0;
  const one = async (): Promise<void> => {
    const id = `e2e-${process.pid}-${++seq}`;
    const rec: LoadRecord = { id, start: Date.now(), end: 0, status: 0 };
    try {
      const r = await fetch(`${baseUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': id },
        body: JSON.stringify({ model: opts.model, messages: [{ role: 'user', content: `load ${id}` }] }),
        signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
      });
      await r.arrayBuffer();
      rec.status = r.status;
    } catch (err) {
      rec.error = (err as Error).message;
    } finally {
      rec.end = Date.now();
      records.push(rec);
    }
  };
  const loop = async (): Promise<void> => {
    while (running) {
      await one();
      await new Promise((r) => setTimeout(r, opts.gapMs));
    }
  };
  const loops = Array.from({ length: opts.concurrency }, () => loop());
  return {
    records,
    async stop() {
      running = false;
      await Promise.all(loops);
      return records;
    },
  };
}
