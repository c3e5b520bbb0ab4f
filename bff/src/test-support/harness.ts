// Test support for the registry and rollout suites: a real BFF over a fresh,
// demo-seeded SQLite file with a clock the test moves, demo users signed in
// once per file (scrypt is slow), step-up tokens and Idempotency-Key calls.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StepUpPurpose, TokenResponse } from '../../../shared/api/auth.js';
import type { ServerEvent } from '../../../shared/api/events.js';
import type { Role } from '../../../shared/domain/user.js';
import { demoPassword } from '../seed/demo.js';
import { startBff, type RunningBff } from '../server.js';
import { lastEventId } from '../store/event-log.js';
import { createUser } from '../store/users.js';

/** A clock that stands still unless moved, so expiry tests say exactly how much time passes. */
export interface ManualClock {
  now: () => Date;
  advance(ms: number): void;
  set(at: Date): void;
}

export function manualClock(start = new Date()): ManualClock {
  let current = start.getTime();
  return {
    // Each reading moves on by 1 ms so that ordered rows never share a timestamp.
    now: () => new Date(current++),
    advance: (ms) => {
      current += ms;
    },
    set: (at) => {
      current = at.getTime();
    },
  };
}

export interface Answer {
  status: number;
  headers: Headers;
  // Tests read bodies loosely; the server has already checked them against the shared schemas.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export interface CallOptions {
  body?: unknown;
  /** A step-up token, or a purpose to fetch a fresh token for. */
  stepUp?: string | StepUpPurpose;
  idempotencyKey?: string;
  headers?: Record<string, string>;
}

/** One signed-in user. */
export interface Client {
  username: string;
  token: string;
  call(method: string, path: string, options?: CallOptions): Promise<Answer>;
  get(path: string): Promise<Answer>;
  post(path: string, body: unknown, options?: Omit<CallOptions, 'body'>): Promise<Answer>;
  /** A fresh step-up token for `purpose` (re-authenticates with the password). */
  stepUp(purpose: StepUpPurpose): Promise<string>;
  /** Subscribes to GET /admin/events from now on, as a console's main process does. */
  subscribe(): Promise<EventSubscription>;
}

export interface EventSubscription {
  /** Resolves with the first event (received so far or later) that matches. */
  waitFor(predicate: (event: ServerEvent) => boolean, timeoutMs?: number): Promise<ServerEvent>;
  close(): void;
}

export interface Harness {
  bff: RunningBff;
  clock: ManualClock;
  /** Signs in once per user and reuses the session. */
  as(username: string): Promise<Client>;
  /** Unauthenticated call. */
  anonymous(method: string, path: string, body?: unknown): Promise<Answer>;
  close(): Promise<void>;
}

export interface ExtraUser {
  username: string;
  roles: Role[];
}

const STEP_UP_PURPOSES: readonly string[] = ['rollout', 'rollback', 'approve', 'reject'];

/**
 * Starts a seeded BFF. `extraUsers` are created beside the demo users with the
 * password `demo-<username>` too. Access tokens live a day so tests may move
 * the clock hours ahead without signing in again.
 */
export async function startHarness(options: { extraUsers?: ExtraUser[]; start?: Date } = {}): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'bff-harness-'));
  const clock = manualClock(options.start);
  const bff = await startBff({
    dbFile: join(dir, 'bff.db'),
    port: 0,
    seedDemo: true,
    now: clock.now,
    settings: { accessTokenTtlSeconds: 24 * 3600, authRateLimitPerMinute: 10_000 },
  });
  for (const user of options.extraUsers ?? []) {
    await createUser(
      bff.ctx.db,
      { username: user.username, displayName: user.username, password: demoPassword(user.username), roles: user.roles },
      clock.now(),
    );
  }

  async function request(method: string, path: string, token: string | undefined, options: CallOptions): Promise<Answer> {
    const headers: Record<string, string> = { ...options.headers };
    if (token) headers.authorization = `Bearer ${token}`;
    if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
    let body: string | undefined;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    const response = await fetch(`${bff.url}${path}`, { method, headers, body });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as unknown) : undefined };
  }

  const sessions = new Map<string, Promise<Client>>();

  async function subscribe(token: string): Promise<EventSubscription> {
    const controller = new AbortController();
    const after = await lastEventId(bff.ctx.db);
    const response = await fetch(`${bff.url}/admin/events?last_event_id=${after}`, {
      headers: { authorization: `Bearer ${token}` },
      signal: controller.signal,
    });
    if (response.status !== 200 || !response.body) throw new Error(`GET /admin/events: ${response.status}`);
    const received: ServerEvent[] = [];
    let wake: () => void = () => undefined;
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    void (async () => {
      let buffer = '';
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          buffer += value;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const data = buffer
              .slice(0, end)
              .split('\n')
              .find((line) => line.startsWith('data: '));
            buffer = buffer.slice(end + 2);
            if (data) received.push(JSON.parse(data.slice('data: '.length)) as ServerEvent);
            wake();
          }
        }
      } catch {
        // aborted by close()
      }
    })();
    return {
      async waitFor(predicate, timeoutMs = 5000) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const found = received.find(predicate);
          if (found) return found;
          const left = deadline - Date.now();
          if (left <= 0) throw new Error(`no matching event within ${timeoutMs} ms; got ${received.map((e) => e.data.type).join(', ')}`);
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, left);
            wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
        }
      },
      close: () => controller.abort(),
    };
  }

  async function signIn(username: string): Promise<Client> {
    const login = await request('POST', '/auth/login', undefined, { body: { username, password: demoPassword(username) } });
    if (login.status !== 200) throw new Error(`login ${username}: ${login.status} ${JSON.stringify(login.body)}`);
    const token = (login.body as TokenResponse).access_token;
    const client: Client = {
      username,
      token,
      async stepUp(purpose) {
        const answer = await request('POST', '/auth/step-up', token, { body: { password: demoPassword(username), purpose } });
        if (answer.status !== 200) throw new Error(`step-up ${username}: ${answer.status} ${JSON.stringify(answer.body)}`);
        return (answer.body as { step_up_token: string }).step_up_token;
      },
      async call(method, path, callOptions = {}) {
        const headers = { ...callOptions.headers };
        if (callOptions.stepUp !== undefined) {
          headers['x-step-up-token'] = STEP_UP_PURPOSES.includes(callOptions.stepUp)
            ? await client.stepUp(callOptions.stepUp as StepUpPurpose)
            : callOptions.stepUp;
        }
        return request(method, path, token, { ...callOptions, headers });
      },
      subscribe: () => subscribe(token),
      get: (path) => client.call('GET', path),
      post: (path, body, callOptions = {}) => client.call('POST', path, { ...callOptions, body }),
    };
    return client;
  }

  return {
    bff,
    clock,
    as(username) {
      let session = sessions.get(username);
      if (!session) {
        session = signIn(username);
        sessions.set(username, session);
      }
      return session;
    },
    anonymous: (method, path, body) => request(method, path, undefined, { body }),
    async close() {
      await bff.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh Idempotency-Key. */
export function idempotencyKey(): string {
  return `test-${randomUUID()}`;
}
