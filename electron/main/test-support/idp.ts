// Test support for company sign-in: the test IdP (bff/src/testing/oidc-idp.ts,
// a real oidc-provider) started as a child process, and a plain-HTTP "system
// browser" that submits its login form and follows the redirect to the console.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const IDP_CLIENT_ID = 'modelops-console';
export const IDP_AUDIENCE = 'https://modelops-bff.test';
export const IDP_API_SCOPE = 'modelops';

export interface IdpProcess {
  issuer: string;
  users: Map<string, { username: string; password: string; sub: string; groups: string[] }>;
  stop(): Promise<void>;
}

const ROOT = join(import.meta.dirname, '../../..');

export async function startIdpProcess(): Promise<IdpProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bff/src/testing/oidc-idp-process.ts'], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const line = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the test IdP exited (${code}): ${stderr}`)));
    setTimeout(() => reject(new Error(`the test IdP did not start: ${stderr}`)), 30_000).unref();
  });
  const started = JSON.parse(line) as { issuer: string; users: Array<{ username: string; password: string; sub: string; groups: string[] }> };
  return {
    issuer: started.issuer,
    users: new Map(started.users.map((user) => [user.username, user])),
    stop: async () => {
      child.stdin.end();
      await exited;
    },
  };
}

/**
 * Plays the system browser with plain HTTP: follows the authorization URL's
 * redirects with a cookie jar, submits the IdP's login form once, and returns
 * the first redirect that leaves the IdP (the console's loopback callback).
 */
export async function submitIdpLogin(authorizationUrl: string, credentials: { username: string; password: string }): Promise<URL> {
  const start = new URL(authorizationUrl);
  const jar = new Map<string, string>();
  let request: { url: URL; method: 'GET' | 'POST'; body?: string } = { url: start, method: 'GET' };
  let submitted = false;
  for (let hop = 0; hop < 20; hop += 1) {
    const headers: Record<string, string> = {};
    if (jar.size > 0) headers.cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
    if (request.body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    const response = await fetch(request.url, { method: request.method, headers, body: request.body, redirect: 'manual' });
    for (const cookie of response.headers.getSetCookie()) {
      const pair = cookie.split(';')[0] ?? '';
      const eq = pair.indexOf('=');
      if (eq > 0) jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      const next = new URL(location, request.url);
      if (next.origin !== start.origin) return next;
      request = { url: next, method: 'GET' };
      continue;
    }
    const html = await response.text();
    const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
    if (response.status !== 200 || !action || submitted) throw new Error(`the IdP answered ${response.status}: ${html.slice(0, 300)}`);
    submitted = true;
    request = { url: new URL(action, request.url), method: 'POST', body: new URLSearchParams(credentials).toString() };
  }
  throw new Error('too many redirects at the IdP');
}
