/**
 * msgpack encoding for gossip and sync payloads. Records/structures are off: every message must be
 * decodable on its own by any peer, with no shared structure state.
 */
import { Packr } from 'msgpackr';

const packr = new Packr({ useRecords: false, mapsAsObjects: true, int64AsType: 'number', moreTypes: false });

export function encode(value: unknown): Uint8Array {
  return packr.pack(value);
}

/** Throws on bytes that are not one msgpack value. */
export function decode(bytes: Uint8Array): unknown {
  return packr.unpack(bytes);
}
