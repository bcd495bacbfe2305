/**
 * Finds connections that libp2p (2.x, last release 2.10) closed without saying so, and says so.
 *
 * The upgrader learns that a connection closed from a Proxy on the TCP socket's `timeline`; but
 * Connection.close() sets `timeline.close` itself on the un-proxied object once the socket's close()
 * returns. When we hang up a connection whose remote has just hung up too, the socket is already
 * destroyed but has not emitted 'close' yet, so its close() returns at once, Connection.close() marks
 * the timeline first, and the Proxy, seeing it marked, never dispatches 'connection:close'. The dead
 * connection then stays in the connection manager for good:
 * - `getConnections(peer)` keeps listing it, so our dialer thinks the peer is connected and never
 *   redials it, and dialProtocol() hands it out again, so every sync with that peer fails;
 * - no 'peer:disconnect' is emitted, so gossipsub keeps that peer's outbound stream on the dead
 *   connection; when the peer dials back, no 'peer:connect' is emitted (the peer still "has" a
 *   connection) and identify does not notify gossipsub again, so our gossip never reaches it.
 * A node cut off like that from every peer ends up isolated.
 *
 * A libp2p service, because only services are handed libp2p's internal event bus, the one the
 * connection manager listens on.
 */
import type { Connection, Libp2pEvents, PeerId, TypedEventTarget } from '@libp2p/interface';

export class StaleConnections {
  constructor(private readonly components: { events: TypedEventTarget<Libp2pEvents> }) {}

  /**
   * Dispatches the missing 'connection:close' for every listed connection that is already closed, so
   * the connection manager drops it (and emits 'peer:disconnect' if it was the peer's last one).
   * Returns the peers of the connections dropped.
   *
   * Call it from a timer, never between a close and its event: libp2p dispatches the event in the
   * same task as it sets status 'closed', so from another task a listed 'closed' connection is one
   * whose event will never come.
   */
  reap(listed: Connection[]): PeerId[] {
    const peers: PeerId[] = [];
    for (const conn of listed) {
      if (conn.status !== 'closed') continue;
      this.components.events.safeDispatchEvent('connection:close', { detail: conn });
      peers.push(conn.remotePeer);
    }
    return peers;
  }
}

export function staleConnections(): (components: { events: TypedEventTarget<Libp2pEvents> }) => StaleConnections {
  return (components) => new StaleConnections(components);
}
