// Test support for the registry and rollout suites, over harness.ts (real
// app, fresh database, movable clock, requests through app.inject): the demo
// data, demo users signed in once per file (scrypt is slow), step-up tokens,
// Idempotency-Key calls and an event-stream subscriber.
import { randomUUID } from 'node:crypto';
import { StepUpPurpose as StepUpPurposeSchema, type StepUpPurpose } from '../../../shared/api/auth.js';
import type { ServerEvent } from '../../../shared/api/events.js';
import type { Role, ServiceRole } from '../../../shared/domain/user.js';
import type { BffSettings } from '../context.js';
import { DEMO_USERS, demoPassword } from '../seed/demo.js';
import { lastEventId } from '../store/event-log.js';
import { passwordOf, startTestBff, type CallResult, type TestBff, type TestClock } from './harness.js';

export type Answer = CallResult;

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
  put(path: string, body: unknown, options?: Omit<CallOptions, 'body'>): Promise<Answer>;
  /** A fresh step-up token for `purpose` (re-authenticates with the password). */
  stepUp(purpose: StepUpPurpose): Promise<string>;
  /** Subscribes to GET /admin/events from now on, as a console's main process does (needs `socket: true`). */
  subscribe(): Promise<EventSubscription>;
}

/** A service account (a machine): a bearer token and nothing else; it never steps up. */
export interface ServiceClient {
  name: string;
  token: string;
  get(path: string): Promise<Answer>;
  post(path: string, body: unknown, options?: { idempotencyKey?: string }): Promise<Answer>;
}

export interface EventSubscription {
  /** Resolves with the first event (received so far or later) that matches. */
  waitFor(predicate: (event: ServerEvent) => boolean, timeoutMs?: number): Promise<ServerEvent>;
  close(): void;
}

export interface Harness {
  bff: TestBff;
  clock: TestClock;
  /** Signs in once per user and reuses the session. */
  as(username: string): Promise<Client>;
  /** A service account with these roles (created once per name). */
  service(name: string, roles: ServiceRole[]): Promise<ServiceClient>;
  /** Unauthenticated call. */
  anonymous(method: string, path: string, body?: unknown): Promise<Answer>;
  close(): Promise<void>;
}

export interface ExtraUser {
  username: string;
  roles: Role[];
}

const STEP_UP_PURPOSES: readonly string[] = StepUpPurposeSchema.options;

/**
 * Starts a demo-seeded BFF; `extraUsers` are created beside the demo users.
 * Access tokens live a day (and sessions a month) so that tests may move the
 * clock hours ahead without signing in again.
 */
export async function startHarness(
  options: {
    extraUsers?: ExtraUser[];
    settings?: Partial<Omit<BffSettings, 'accessTokenSecret'>>;
    /** Also listen on a loopback port: subscribe() reads the event stream over it. */
    socket?: boolean;
  } = {},
): Promise<Harness> {
  const bff = await startTestBff({
    seedDemo: true,
    socket: options.socket ?? false,
    users: options.extraUsers ?? [],
    settings: { accessTokenTtlSeconds: 24 * 3600, sessionMaxSeconds: 30 * 24 * 3600, ...options.settings },
  });
  const passwordFor = (username: string) =>
    DEMO_USERS.some((user) => user.username === username) ? demoPassword(username) : passwordOf(username);

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
    const password = passwordFor(username);
    const { access_token: token } = await bff.login(username, password);
    const client: Client = {
      username,
      token,
      async stepUp(purpose) {
        const answer = await bff.call('POST', '/auth/step-up', { token, body: { password, purpose } });
        if (answer.status !== 200) throw new Error(`step-up ${username}: ${answer.status} ${answer.text}`);
        return (answer.body as { step_up_token: string }).step_up_token;
      },
      async call(method, path, callOptions = {}) {
        const headers = { ...callOptions.headers };
        if (callOptions.idempotencyKey) headers['idempotency-key'] = callOptions.idempotencyKey;
        if (callOptions.stepUp !== undefined) {
          headers['x-step-up-token'] = STEP_UP_PURPOSES.includes(callOptions.stepUp)
            ? await client.stepUp(callOptions.stepUp as StepUpPurpose)
            : callOptions.stepUp;
        }
        return bff.call(method, path, { token, headers, ...(callOptions.body === undefined ? {} : { body: callOptions.body }) });
      },
      subscribe: () => subscribe(token),
      get: (path) => client.call('GET', path),
      post: (path, body, callOptions = {}) => client.call('POST', path, { ...callOptions, body }),
      put: (path, body, callOptions = {}) => client.call('PUT', path, { ...callOptions, body }),
    };
    return client;
  }

  async function serviceAccount(name: string, roles: ServiceRole[]): Promise<ServiceClient> {
    const token = await bff.serviceToken(name, roles);
    return {
      name,
      token,
      get: (path) => bff.call('GET', path, { token }),
      post: (path, body, callOptions = {}) =>
        bff.call('POST', path, { token, body, headers: callOptions.idempotencyKey ? { 'idempotency-key': callOptions.idempotencyKey } : {} }),
    };
  }

  const sessions = new Map<string, Promise<Client>>();
  const services = new Map<string, Promise<ServiceClient>>();
  return {
    bff,
    clock: bff.clock,
    as(username) {
      let session = sessions.get(username);
      if (!session) {
        session = signIn(username);
        sessions.set(username, session);
      }
      return session;
    },
    service(name, roles) {
      let account = services.get(name);
      if (!account) {
        account = serviceAccount(name, roles);
        services.set(name, account);
      }
      return account;
    },
    anonymous: (method, path, body) => bff.call(method, path, body === undefined ? {} : { body }),
    close: () => bff.stop(),
  };
}

/** A fresh Idempotency-Key. */
export function idempotencyKey(): string {
  return `test-${randomUUID()}`;
}
