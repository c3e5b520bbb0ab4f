// HTTP(S) agents that reach the BFF through the workstation policy's proxy with
// an HTTP CONNECT tunnel (Node has no proxy support of its own for got).
import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import { isLoopbackHost } from '../../../shared/settings/settings.js';

export interface ProxySettings {
  url: string;
  /** Host names, or suffixes starting with ".", reached directly. */
  bypass?: string[];
}

/**
 * Whether `host` is reached directly. Loopback (localhost, 127.0.0.0/8, ::1)
 * always is, whatever the policy lists: a proxy would carry this machine's
 * local traffic — passwords included — to another machine.
 */
export function bypassesProxy(host: string, bypass: readonly string[] = []): boolean {
  const name = host.toLowerCase();
  if (isLoopbackHost(name) || name.endsWith('.localhost')) return true;
  return bypass.some((entry) => {
    const rule = entry.toLowerCase();
    return rule.startsWith('.') ? name.endsWith(rule) || name === rule.slice(1) : name === rule;
  });
}

/** Opens a CONNECT tunnel to host:port through the proxy. */
function openTunnel(proxy: URL, host: string, port: number): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host: `${host}:${port}` };
    if (proxy.username) {
      const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
      headers['proxy-authorization'] = `Basic ${Buffer.from(credentials).toString('base64')}`;
    }
    const request = (proxy.protocol === 'https:' ? https : http).request({
      host: proxy.hostname,
      port: proxy.port || (proxy.protocol === 'https:' ? 443 : 80),
      method: 'CONNECT',
      path: `${host}:${port}`,
      headers,
      agent: false,
    });
    request.once('connect', (response, socket, head) => {
      if (response.statusCode !== 200) {
        socket.destroy();
        reject(Object.assign(new Error(`the proxy ${proxy.host} refused the tunnel (${response.statusCode})`), { code: 'EPROXY' }));
        return;
      }
      if (head.length > 0) socket.unshift(head);
      resolve(socket);
    });
    request.once('error', reject);
    request.end();
  });
}

type Callback = (error: Error | null, stream: Duplex) => void;
// Node's callback type wants a stream even on failure; it ignores it then.
const NO_STREAM = undefined as unknown as Duplex;

/** Agents for got's `agent` option, tunnelling every connection through `proxyUrl`. */
export function createProxyAgents(proxyUrl: string): { http: http.Agent; https: https.Agent } {
  const proxy = new URL(proxyUrl);

  class HttpTunnelAgent extends http.Agent {
    override createConnection(options: http.ClientRequestArgs, callback?: Callback): Duplex | null | undefined {
      openTunnel(proxy, String(options.hostname ?? options.host), Number(options.port ?? 80)).then(
        (socket) => callback?.(null, socket),
        (error: Error) => callback?.(error, NO_STREAM),
      );
      return undefined;
    }
  }

  class HttpsTunnelAgent extends https.Agent {
    override createConnection(options: https.RequestOptions, callback?: Callback): Duplex | null | undefined {
      const host = String(options.hostname ?? options.host);
      openTunnel(proxy, host, Number(options.port ?? 443)).then(
        (socket) => {
          const secure = tls.connect({ ...(options as tls.ConnectionOptions), socket, servername: options.servername ?? host });
          secure.once('secureConnect', () => callback?.(null, secure));
          secure.once('error', (error) => callback?.(error, NO_STREAM));
        },
        (error: Error) => callback?.(error, NO_STREAM),
      );
      return undefined;
    }
  }

  return { http: new HttpTunnelAgent({ keepAlive: true }), https: new HttpsTunnelAgent({ keepAlive: true }) };
}
