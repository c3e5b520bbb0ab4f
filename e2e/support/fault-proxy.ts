// A transparent HTTP forwarder in front of the BFF that can answer one chosen
// request with a malformed body (a BFF of another version, a broken gateway), or
// hold one until the test lets it through (a slow network: the loading states).
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FaultProxy {
  url: string;
  /** The next request matching `method` and `path` gets `body` (status 200, JSON) instead of the BFF's answer. */
  malformNext(method: string, path: RegExp, body: string): void;
  /** The next request matching `method` and `path` waits, unanswered, until the returned function is called. */
  holdNext(method: string, path: RegExp): () => void;
  /** Requests answered with a malformed body so far. */
  readonly faultsServed: number;
  close(): Promise<void>;
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  const faults: { method: string; path: RegExp; body: string }[] = [];
  let faultsServed = 0;
  const holds: { method: string; path: RegExp; released: Promise<void> }[] = [];
  const server: Server = createServer(async (request, response) => {
    const path = new URL(request.url ?? '/', 'http://proxy').pathname;
    const held = holds.findIndex((hold) => hold.method === request.method && hold.path.test(path));
    if (held !== -1) await holds.splice(held, 1)[0]!.released;
    const index = faults.findIndex((fault) => fault.method === request.method && fault.path.test(path));
    if (index !== -1) {
      const [fault] = faults.splice(index, 1);
      faultsServed += 1;
      request.resume();
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      response.end(fault!.body);
      return;
    }
    const forward = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: request.method, path: request.url, headers: request.headers },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        // Piped, not buffered: the event stream (SSE) flows through too.
        answer.pipe(response);
      },
    );
    // A BFF that is down looks the same through the proxy: the connection just ends.
    forward.on('error', () => response.destroy());
    request.pipe(forward);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    malformNext: (method, path, body) => void faults.push({ method, path, body }),
    holdNext: (method, path) => {
      let release!: () => void;
      holds.push({ method, path, released: new Promise<void>((resolve) => (release = resolve)) });
      return release;
    },
    get faultsServed() {
      return faultsServed;
    },
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
