/**
 * Preloaded into the Portkey gateway (`node --import <this> .../start-server.js`): its start script calls
 * `serve({ port })` without a host, which binds every interface. Every bench process must listen on
 * 127.0.0.1 only, so a listen() without a host gets 127.0.0.1.
 */
import net from 'node:net';

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (this: net.Server, ...args: unknown[]) {
  if (typeof args[0] === 'number') {
    if (args[1] === undefined) args[1] = '127.0.0.1';
    else if (typeof args[1] === 'function') args.splice(1, 0, '127.0.0.1');
  }
  return (listen as (...a: unknown[]) => net.Server).apply(this, args);
} as typeof listen;
