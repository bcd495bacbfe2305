import { createServer } from 'node:net';

/**
 * A free TCP port on 127.0.0.1, for processes that cannot report the port they bound (the gateway takes
 * `--port N` and has no "print the port" mode). The port is released before returning, so another process
 * could take it in between; on a bench machine that race is practically absent.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}
