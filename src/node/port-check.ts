/**
 * The workers listen with SO_REUSEPORT (uWS's default) so they can share the port. The kernel then also lets
 * any other process of the same user bind it, and splits new connections between the two without a word:
 * a second node started on a port already in use would silently take part of the traffic with its own config.
 * A socket bound without SO_REUSEPORT (Node's net never sets it) fails with EADDRINUSE in that case, so the main
 * thread binds one for a moment before any worker listens.
 */
import { createServer } from 'node:net';

/** Resolves when host:port can be bound exclusively; rejects with a message naming the port otherwise. */
export function assertPortFree(host: string, port: number): Promise<void> {
  if (port === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => {
      reject(new Error(err.code === 'EADDRINUSE'
        ? `port ${port} on ${host} is already in use by another process (another Switchyard node?)`
        : `cannot listen on ${host}:${port}: ${err.message}`));
    });
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}
