// A tiny hash router: the route is data in the store, the hash mirrors it so a
// reload (or a sign-in after expiry) returns to the same screen.

export type ModelTab = 'overview' | 'evals' | 'rollout';

export type Route =
  | { name: 'registry' }
  | { name: 'model'; modelId: string; tab: ModelTab; version?: string }
  | { name: 'register'; modelId: string }
  | { name: 'approvals'; requestId?: string }
  | { name: 'audit' }
  | { name: 'settings' }
  /** Offline review: reachable without signing in (README.md#offline-review). */
  | { name: 'reports' };

const decode = (segment: string): string | null => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
};

/** Any hash to a route; what is not understood lands on the registry. */
export function parseHash(hash: string): Route {
  const segments = hash
    .replace(/^#\/?/, '')
    .split('/')
    .filter((s) => s !== '')
    .map(decode);
  if (segments.some((s) => s === null)) return { name: 'registry' };
  const [first, second, third, fourth] = segments as string[];
  switch (first) {
    case undefined:
      return { name: 'registry' };
    case 'models':
      if (second === undefined) return { name: 'registry' };
      if (third === undefined) return { name: 'model', modelId: second, tab: 'overview' };
      if (third === 'versions' && fourth !== undefined) return { name: 'model', modelId: second, tab: 'overview', version: fourth };
      if (third === 'evals' || third === 'rollout') return { name: 'model', modelId: second, tab: third };
      if (third === 'register') return { name: 'register', modelId: second };
      return { name: 'model', modelId: second, tab: 'overview' };
    case 'approvals':
      return second === undefined ? { name: 'approvals' } : { name: 'approvals', requestId: second };
    case 'audit':
      return { name: 'audit' };
    case 'settings':
      return { name: 'settings' };
    case 'reports':
      return { name: 'reports' };
    default:
      return { name: 'registry' };
  }
}

export function formatRoute(route: Route): string {
  const enc = encodeURIComponent;
  switch (route.name) {
    case 'registry':
      return '#/models';
    case 'model':
      if (route.version !== undefined) return `#/models/${enc(route.modelId)}/versions/${enc(route.version)}`;
      return route.tab === 'overview' ? `#/models/${enc(route.modelId)}` : `#/models/${enc(route.modelId)}/${route.tab}`;
    case 'register':
      return `#/models/${enc(route.modelId)}/register`;
    case 'approvals':
      return route.requestId === undefined ? '#/approvals' : `#/approvals/${enc(route.requestId)}`;
    case 'audit':
      return '#/audit';
    case 'settings':
      return '#/settings';
    case 'reports':
      return '#/reports';
  }
}

export function sameRoute(a: Route, b: Route): boolean {
  return formatRoute(a) === formatRoute(b);
}
