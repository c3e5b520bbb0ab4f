// Deny by default, proven over every registered route: each route is called
// with no token, with each role's token and with each service role's token,
// and must answer 401 / 403 / other exactly as its declared config.access says.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceRole, type Role } from '../../../shared/domain/user.js';
import { registeredRoutes, type RegisteredRoute } from '../app.js';
import { hasRole, mayCall } from '../plugins/access.js';
import { startTestBff, type TestBff } from '../testing/harness.js';

const ROLES: (Role | 'none')[] = ['none', 'viewer', 'operator', 'approver', 'admin'];
const USER_OF: Record<Role, string> = { viewer: 'vera', operator: 'olivia', approver: 'arjun', admin: 'ada' };

// Plausible values for path parameters: the point is to get past routing, not to find anything.
const PARAM_VALUES: Record<string, string> = {
  model_id: 'no-such-model',
  version: '9.9.9',
  request_id: 'req_nosuchrequest',
  run_id: 'run_nosuchrun0',
};

/** The one route that streams (server-sent events). */
const EVENT_STREAM = '/admin/events';

type Caller = Role | 'none' | `service:${ServiceRole}`;
const SERVICE_CALLERS = ServiceRole.options.map((role) => `service:${role}` as const);

let bff: TestBff;
const tokens = new Map<Caller, string>();

beforeAll(async () => {
  bff = await startTestBff({
    socket: true,
    users: (Object.entries(USER_OF) as [Role, string][]).map(([role, username]) => ({ username, roles: [role] })),
  });
  for (const [role, username] of Object.entries(USER_OF) as [Role, string][]) tokens.set(role, (await bff.login(username)).access_token);
  for (const role of ServiceRole.options) tokens.set(`service:${role}`, await bff.serviceToken(role.replaceAll('_', '-'), [role]));
});
afterAll(async () => bff?.stop());

function concretePath(url: string): string {
  return url.replace(/:([A-Za-z_]+)/g, (_, name: string) => PARAM_VALUES[name] ?? 'x');
}

async function statusOf(route: RegisteredRoute, role: Caller): Promise<number> {
  const headers: Record<string, string> = {};
  if (role !== 'none') headers.authorization = `Bearer ${tokens.get(role)!}`;
  let body: string | undefined;
  if (route.method !== 'GET' && route.method !== 'DELETE') {
    headers['content-type'] = 'application/json';
    body = '{}';
  }
  // Every route but the event stream answers through app.inject; the stream never
  // ends on its own, so it is read over the socket and dropped after the status.
  if (route.url !== EVENT_STREAM) return (await bff.call(route.method, concretePath(route.url), { headers, ...(body === undefined ? {} : { rawBody: body }) })).status;
  const controller = new AbortController();
  const response = await fetch(`${bff.url}${concretePath(route.url)}`, { method: route.method, headers, body, signal: controller.signal });
  controller.abort();
  return response.status;
}

describe('access matrix', () => {
  it('covers every route: public ones never refuse, the others refuse exactly the roles below them', async () => {
    const routes = registeredRoutes(bff.app);
    // The platform's own routes at least; the domain's join as they are registered.
    expect(routes.length).toBeGreaterThanOrEqual(10);
    const failures: string[] = [];
    for (const route of routes) {
      for (const role of ROLES) {
        const status = await statusOf(route, role);
        const where = `${route.method} ${route.url} as ${role} (needs ${route.access.role}) -> ${status}`;
        if (route.access.role === 'public') {
          if (status === 401 || status === 403) failures.push(where);
        } else if (role === 'none') {
          if (status !== 401) failures.push(where);
        } else if (!hasRole([role], route.access.role)) {
          if (status !== 403) failures.push(where);
        } else if (status === 401 || status === 403) {
          failures.push(where);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('admits a service account only where a route names its role; no route that needs step-up names one', async () => {
    const routes = registeredRoutes(bff.app);
    const failures: string[] = [];
    const reachable = new Map<ServiceRole, string[]>(ServiceRole.options.map((role) => [role, []]));
    for (const route of routes) {
      if (route.access.stepUp && route.access.services?.length) failures.push(`${route.method} ${route.url} needs step-up and admits services`);
      for (const caller of SERVICE_CALLERS) {
        const role = caller.slice('service:'.length) as ServiceRole;
        const status = await statusOf(route, caller);
        const allowed = mayCall({ kind: 'service', roles: [], serviceRoles: [role] }, route.access);
        const where = `${route.method} ${route.url} as ${caller} -> ${status}`;
        if (allowed && route.access.role !== 'public') reachable.get(role)!.push(`${route.method} ${route.url}`);
        if (allowed ? status === 401 || status === 403 : status !== 403) failures.push(where);
      }
    }
    expect(failures).toEqual([]);
    // The whole reach of each machine role, spelled out.
    expect(Object.fromEntries(reachable)).toEqual({
      eval_runner: ['POST /admin/models/:model_id/eval-runs'],
      router: ['GET /routing'],
      metrics_reporter: [],
    });
  });

  it('admits no person to a service-only route, whatever their roles', async () => {
    const route = registeredRoutes(bff.app).find((r) => r.method === 'POST' && r.url === '/admin/models/:model_id/eval-runs');
    expect(route?.access).toEqual({ role: 'service', services: ['eval_runner'] });
    for (const role of ['viewer', 'operator', 'approver', 'admin'] as const) expect(await statusOf(route!, role)).toBe(403);
  });

  it('lists the routes it checked (so a silently dropped module shows in review)', () => {
    const urls = registeredRoutes(bff.app).map((route) => `${route.method} ${route.url}`);
    for (const expected of [
      'GET /healthz',
      'GET /openapi.json',
      'POST /auth/login',
      'POST /auth/step-up',
      'GET /admin/audit',
      'GET /admin/audit/verify',
      'GET /admin/events',
      'GET /routing',
      'GET /admin/models/:model_id/serving',
      'PUT /admin/models/:model_id/serving',
      'POST /admin/models/:model_id/dispatch/retry',
    ]) {
      expect(urls).toContain(expected);
    }
  });
});
