/** Bounds checked on every received message, so a peer can never make us allocate without limit. */
export const WIRE_VERSION = 1;
export const MAX_KEY_LENGTH = 512;
export const MAX_ID_LENGTH = 128;
export const MAX_VECTOR_LENGTH = 1024;
export const MAX_RECORDS_PER_MESSAGE = 100_000;
export const MAX_ADDRESSES = 32;
export const MAX_TEXT_LENGTH = 512;
/** A config write stamped further than this into the future is rejected: it would be unoverwritable. */
export const MAX_CLOCK_SKEW_MS = 60 * 60 * 1000;
