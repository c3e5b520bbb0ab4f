// A loopback HTTP server for the built renderer that answers like the app://console
// protocol adapter: same files, same MIME types, same Content-Security-Policy header.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve, sep } from 'node:path';
import { ASSET_CONTENT_TYPES as MIME } from '../../electron/main/services/asset-types.js';
import { CONTENT_SECURITY_POLICY } from '../../electron/main/services/content-security-policy.js';


export interface StaticServer {
  /** Origin the pages load from, e.g. http://127.0.0.1:41234 (the harness's trusted sender origin). */
  origin: string;
  entryUrl: string;
  close(): Promise<void>;
}

export async function serveRenderer(rendererDir: string): Promise<StaticServer> {
  const root = resolve(rendererDir);
  const server: Server = createServer((request, response) => {
    void (async () => {
      const notFound = () => {
        response.writeHead(404, { 'content-type': 'text/plain', 'content-security-policy': CONTENT_SECURITY_POLICY });
        response.end('not found');
      };
      const url = new URL(request.url ?? '/', 'http://renderer');
      let relative: string;
      try {
        relative = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname);
      } catch {
        return notFound();
      }
      const file = resolve(root, `.${relative}`);
      if ((file !== root && !file.startsWith(root + sep)) || request.method !== 'GET') return notFound();
      const info = await stat(file).catch(() => null);
      if (!info?.isFile()) return notFound();
      response.writeHead(200, {
        'content-type': MIME[file.slice(file.lastIndexOf('.'))] ?? 'application/octet-stream',
        'content-security-policy': CONTENT_SECURITY_POLICY,
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-store',
      });
      createReadStream(file).pipe(response);
    })();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    entryUrl: `${origin}/index.html`,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
