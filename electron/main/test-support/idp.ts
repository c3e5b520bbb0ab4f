// Test support for company sign-in in main-process suites: a client of the one test IdP
// (bff/src/testing/oidc-idp.ts, a real oidc-provider), which runs as a child process
// (bff/src/testing/oidc-idp-process.ts) because electron/ may not import bff/. Its
// client id, audience and scope, its people, its plain-HTTP "system browser" and its
// group changes all come from that process: nothing of the IdP is written twice.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface IdpPerson {
  username: string;
  password: string;
  sub: string;
  groups: string[];
}

export interface IdpProcess {
  issuer: string;
  /** The console's client at the IdP (public, PKCE). */
  clientId: string;
  /** The `aud` (and RFC 8707 resource) of access tokens for the BFF. */
  audience: string;
  /** The scope of the BFF's resource server. */
  apiScope: string;
  users: Map<string, IdpPerson>;
  /**
   * Plays the system browser: follows `authorizationUrl` at the IdP, submits its login
   * form as `username`, and returns the redirect back to the console (not requested).
   */
  browse(authorizationUrl: string, username: string): Promise<URL>;
  /** Changes a person's groups at the IdP; tokens issued from now on say so. */
  setGroups(username: string, groups: string[]): Promise<void>;
  stop(): Promise<void>;
}

const ROOT = join(import.meta.dirname, '../../..');

interface Answer {
  id: number;
  ok: boolean;
  value?: unknown;
  error?: string;
}

export async function startIdpProcess(): Promise<IdpProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bff/src/testing/oidc-idp-process.ts'], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const lines = createInterface({ input: child.stdout });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  const first = new Promise<string>((resolve, reject) => {
    lines.once('line', (line) => {
      resolve(line);
      lines.on('line', (next) => {
        const answer = JSON.parse(next) as Answer;
        const waiter = pending.get(answer.id);
        pending.delete(answer.id);
        if (answer.ok) waiter?.resolve(answer.value);
        else waiter?.reject(new Error(answer.error ?? 'the test IdP failed'));
      });
    });
    child.once('exit', (code) => reject(new Error(`the test IdP exited (${code}): ${stderr}`)));
    setTimeout(() => reject(new Error(`the test IdP did not start: ${stderr}`)), 30_000).unref();
  });
  const started = JSON.parse(await first) as { issuer: string; client_id: string; audience: string; api_scope: string; users: IdpPerson[] };
  let nextId = 0;
  const command = (op: string, fields: Record<string, unknown> = {}) =>
    new Promise<unknown>((resolve, reject) => {
      const id = (nextId += 1);
      pending.set(id, { resolve, reject });
      child.stdin.write(`${JSON.stringify({ id, op, ...fields })}\n`);
    });
  const users = new Map(started.users.map((user) => [user.username, user]));
  return {
    issuer: started.issuer,
    clientId: started.client_id,
    audience: started.audience,
    apiScope: started.api_scope,
    users,
    browse: async (url, username) => new URL(String(await command('browse', { url, username }))),
    setGroups: async (username, groups) => {
      await command('set_groups', { username, groups });
      const user = users.get(username);
      if (user) user.groups = [...groups];
    },
    stop: async () => {
      child.stdin.end();
      await exited;
    },
  };
}
