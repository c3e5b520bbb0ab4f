// modelops:// links and the single-instance lock: a second launch (or a link
// clicked while running) focuses the running console and opens the request.
import { app } from 'electron';
import { DEEP_LINK_SCHEME, deepLinkFromArgv, requestIdFromDeepLink } from '../services/deep-link.js';

/** False when another instance holds the lock: this one must quit. */
export function acquireSingleInstance(): boolean {
  return app.requestSingleInstanceLock();
}

/**
 * Registers the scheme with the OS and calls `onRequest` for every link;
 * returns the request of a link the app was started with, if any.
 */
export function listenForDeepLinks(onRequest: (requestId: string | null) => void): string | null {
  if (!app.isDefaultProtocolClient(DEEP_LINK_SCHEME)) app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME);
  // Windows and Linux: the link arrives as an argument of a second instance.
  app.on('second-instance', (_event, argv) => onRequest(deepLinkFromArgv(argv)));
  // macOS: the link arrives as an event.
  app.on('open-url', (event, url) => {
    event.preventDefault();
    onRequest(requestIdFromDeepLink(url));
  });
  return deepLinkFromArgv(process.argv);
}
