export { encode, decode } from './codec.js';
export { decodeMessage, type Decoded, type DropReason } from './decode-message.js';
export * as schemas from './schemas.js';
export type {
  Heartbeat,
  CounterDelta,
  StatsDelta,
  ConfigDelta,
  Digest,
  SyncState,
  SyncRequest,
  SyncResponse,
  SyncPush,
  SyncAck,
} from './schemas.js';
export * from './limits.js';
