// The system browser for company sign-in (RFC 8252: never an embedded web view):
// only the IdP's https pages (or an IdP on this machine) are ever opened.
import { shell } from 'electron';
import { browserUrlAllowed, type BrowserOpener } from '../services/oidc-sign-in.js';

export const systemBrowser: BrowserOpener = {
  async open(url) {
    await shell.openExternal(browserUrlAllowed(url).href);
  },
};
