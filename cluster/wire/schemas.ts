/**
 * Message shapes (zod), checked after msgpack decoding. Records are tuples to keep payloads small.
 */
import { z } from 'zod';
import { MAX_ADDRESSES, MAX_ID_LENGTH, MAX_KEY_LENGTH, MAX_RECORDS_PER_MESSAGE, MAX_TEXT_LENGTH, MAX_VECTOR_LENGTH } from './limits.js';

const key = z.string().min(1).max(MAX_KEY_LENGTH);
const id = z.string().min(1).max(MAX_ID_LENGTH);
const uint = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const time = uint;

export const counterRecord = z.tuple([key, id, z.number().finite().nonnegative(), uint]);
export const statsRecord = z.tuple([id, key, uint, uint.min(1), z.array(z.number().finite()).max(MAX_VECTOR_LENGTH)]);
export const lwwRecord = z.tuple([key, z.custom<unknown>((v) => v !== undefined, 'value is required (null deletes)'), time, uint, id]);

const records = <T extends z.ZodTypeAny>(record: T) => z.array(record).max(MAX_RECORDS_PER_MESSAGE);

export const heartbeat = z.object({
  v: z.number(),
  t: z.literal('hb'),
  version: z.string().max(MAX_TEXT_LENGTH),
  http: z.string().max(MAX_TEXT_LENGTH),
  load: z.number().finite().nonnegative(),
  sentAt: time,
  addrs: z.array(z.string().max(MAX_TEXT_LENGTH)).max(MAX_ADDRESSES),
});

export const counterDelta = z.object({ v: z.number(), t: z.literal('ctr'), sentAt: time, records: records(counterRecord) });
export const statsDelta = z.object({ v: z.number(), t: z.literal('st'), sentAt: time, records: records(statsRecord) });
export const configDelta = z.object({ v: z.number(), t: z.literal('cfg'), sentAt: time, records: records(lwwRecord) });

const digestPairs = z.array(z.tuple([id, z.string().max(64)])).max(MAX_RECORDS_PER_MESSAGE);
export const digest = z.object({ counters: digestPairs, stats: digestPairs, config: z.array(z.string().max(64)).max(4096) });

export const syncState = z.object({
  counters: records(counterRecord),
  stats: records(statsRecord),
  config: records(lwwRecord),
});

export const syncRequest = z.object({ v: z.number(), t: z.literal('sync-req'), sentAt: time, digest });
export const syncResponse = z.object({ v: z.number(), t: z.literal('sync-res'), sentAt: time, digest, state: syncState });
export const syncPush = z.object({ v: z.number(), t: z.literal('sync-push'), sentAt: time, state: syncState });
export const syncAck = z.object({ v: z.number(), t: z.literal('sync-ack'), sentAt: time });

export type Heartbeat = z.infer<typeof heartbeat>;
export type CounterDelta = z.infer<typeof counterDelta>;
export type StatsDelta = z.infer<typeof statsDelta>;
export type ConfigDelta = z.infer<typeof configDelta>;
export type Digest = z.infer<typeof digest>;
export type SyncState = z.infer<typeof syncState>;
export type SyncRequest = z.infer<typeof syncRequest>;
export type SyncResponse = z.infer<typeof syncResponse>;
export type SyncPush = z.infer<typeof syncPush>;
export type SyncAck = z.infer<typeof syncAck>;
