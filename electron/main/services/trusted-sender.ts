// Which frames may call the IPC API: only documents served from our own custom
// protocol origin (GitHub Desktop's isTrustedIPCSender, by origin rather than by window).

/** The scheme and host the renderer is served from (electron/main/adapters/protocol.ts). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'console';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

export function isTrustedSenderUrl(frameUrl: string | undefined | null, trustedOrigins: readonly string[] = [APP_ORIGIN]): boolean {
  if (!frameUrl) return false;
  let url: URL;
  try {
    url = new URL(frameUrl);
  } catch {
    return false;
  }
  // URL.origin is "null" for non-special schemes: compare scheme and host ourselves.
  const origin = `${url.protocol}//${url.host}`;
  return trustedOrigins.includes(origin) && url.username === '' && url.password === '';
}
