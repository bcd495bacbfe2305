/**
 * Fairness for large bodies. Decoding, parsing and serialising a body of a few hundred kB holds a worker's
 * event loop for a millisecond or more per step, and the streams sharing that worker wait meanwhile. A
 * request with a body this large gives way between those steps: setImmediate runs after the I/O already
 * pending, so the other requests' chunks go out between the steps instead of after all of them.
 */
export const LARGE_BODY_BYTES = 128 * 1024;

export function giveWay(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
