// An HTTP agent whose every connection goes to one unix socket or Windows named
// pipe: local mode's BFF listens on no TCP port, and got talks to it through this.
import http from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';

/** Whatever host and port a URL names, the connection is made to `socketPath`. */
export function createSocketAgent(socketPath: string): http.Agent {
  class SocketAgent extends http.Agent {
    override createConnection(_options: http.ClientRequestArgs, callback?: (error: Error | null, stream: Duplex) => void): Duplex {
      const socket = net.connect({ path: socketPath });
      if (callback) {
        socket.once('connect', () => callback(null, socket));
        socket.once('error', (error) => callback(error, socket));
        return undefined as unknown as Duplex;
      }
      return socket;
    }
  }
  return new SocketAgent({ keepAlive: true });
}
