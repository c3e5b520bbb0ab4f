// Serves the built renderer from the app://console custom protocol (never a
// remote URL, never file://), with a strict Content-Security-Policy on every answer.
import { net, protocol, session } from 'electron';
import { resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ASSET_CONTENT_TYPES as MIME } from '../services/asset-types.js';
import { CONTENT_SECURITY_POLICY } from '../services/content-security-policy.js';
import { APP_HOST, APP_SCHEME } from '../services/trusted-sender.js';


/** Must run before the app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: false } }]);
}

/** Answers app://console/<path> from `rendererDir`; anything outside it, or another host, is 404. */
export function serveRenderer(rendererDir: string): void {
  const root = resolve(rendererDir);
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    const relative = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname);
    const file = resolve(root, `.${relative}`);
    if (url.host !== APP_HOST || (file !== root && !file.startsWith(root + sep)) || request.method !== 'GET') {
      return new Response('not found', { status: 404, headers: { 'content-security-policy': CONTENT_SECURITY_POLICY } });
    }
    const answer = await net.fetch(pathToFileURL(file).href).catch(() => null);
    if (!answer?.ok) return new Response('not found', { status: 404, headers: { 'content-security-policy': CONTENT_SECURITY_POLICY } });
    const extension = file.slice(file.lastIndexOf('.'));
    return new Response(answer.body, {
      status: 200,
      headers: {
        'content-type': MIME[extension] ?? 'application/octet-stream',
        'content-security-policy': CONTENT_SECURITY_POLICY,
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-store',
      },
    });
  });
}

/**
 * The same policy on every response the window's session receives, in case
 * anything is ever loaded another way. Written out as a literal (equal to
 * CONTENT_SECURITY_POLICY, checked by content-security-policy.test.ts) so that
 * Electronegativity can evaluate it.
 */
export function enforceContentSecurityPolicy(): void {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [
          "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'none'; object-src 'none'; frame-src 'none'; worker-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        ],
      },
    });
  });
}
