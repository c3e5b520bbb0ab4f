// modelops://requests/{id} links: parsed here, registered with the OS by the
// deep-link adapter. Anything else is ignored, never guessed at.
import { RequestId } from '../../../shared/domain/change-request.js';

export const DEEP_LINK_SCHEME = 'modelops';

/** The request id of a modelops://requests/{id} link, or null. */
export function requestIdFromDeepLink(link: string): string | null {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return null;
  }
  if (url.protocol !== `${DEEP_LINK_SCHEME}:`) return null;
  // modelops://requests/req_x parses as host "requests", path "/req_x".
  const parts = [url.host, ...url.pathname.split('/')].filter((part) => part !== '');
  if (parts.length !== 2 || parts[0] !== 'requests') return null;
  const id = decodeURIComponent(parts[1]!);
  return RequestId.safeParse(id).success ? id : null;
}

/** The first deep link among a process's command-line arguments (second instance, cold start). */
export function deepLinkFromArgv(argv: readonly string[]): string | null {
  for (const argument of argv) {
    if (argument.startsWith(`${DEEP_LINK_SCHEME}:`)) {
      const id = requestIdFromDeepLink(argument);
      if (id) return id;
    }
  }
  return null;
}
