// The system browser for company sign-in (RFC 8252: never an embedded web view):
// only the IdP's https pages (or an IdP on this machine) are ever opened.
import { shell } from 'electron';
import type { BrowserOpener } from '../services/oidc-sign-in.js';

export const systemBrowser: BrowserOpener = {
  async open(url) {
    const parsed = new URL(url);
    const loopback = parsed.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname);
    if (parsed.protocol !== 'https:' && !loopback) throw new Error(`refusing to open ${parsed.protocol} URL in the browser`);
    await shell.openExternal(parsed.href);
  },
};
