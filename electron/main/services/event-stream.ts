// Subscribes to the BFF's server-sent events (GET /admin/events) for the
// signed-in session: parses them, validates each with the shared schema, and
// reconnects with backoff and Last-Event-ID so nothing is missed or repeated.
import { endpointPath } from '../../../shared/api/endpoint.js';
import { ENDPOINTS } from '../../../shared/api/endpoints.js';
import { ServerEvent } from '../../../shared/api/events.js';
import type { ConnectionState } from '../../../shared/ipc/contract.js';
import type { BffClient } from './bff-client.js';
import { ClientError, isClientError } from './client-error.js';
import type { Logger } from './logger.js';

export interface Scheduler {
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}
const realScheduler: Scheduler = {
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface EventStreamOptions {
  client: BffClient;
  /** Runs a call with a fresh access token (SessionService.authorized): 401 -> one refresh. */
  authorized: <T>(call: (accessToken: string) => Promise<T>) => Promise<T>;
  logger: Logger;
  /** Delay before reconnect attempt `n` (1-based). */
  backoffMs?: (attempt: number) => number;
  /** No byte (not even a heartbeat) for this long: the connection is dead, reconnect. */
  idleTimeoutMs?: number;
  scheduler?: Scheduler;
}

/** 1 s doubling to 30 s, with jitter so a restarted BFF is not hit by every console at once. */
export const defaultBackoff = (attempt: number) => Math.min(30_000, 1000 * 2 ** (attempt - 1)) * (0.8 + Math.random() * 0.4);

/** Longest line kept while waiting for its end; the BFF's events are a few KB. */
export const SSE_MAX_LINE_CHARS = 1024 * 1024;
/** Largest event (its data lines together). */
export const SSE_MAX_EVENT_CHARS = 4 * 1024 * 1024;

/** A line or event past the bounds: the connection is dropped (and made again), nothing more is buffered. */
export class SseLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SseLimitError';
  }
}

/** Incremental text/event-stream parser (WHATWG HTML, "server-sent events"), bounded in line and event size. */
export class SseParser {
  #buffer = '';
  #data: string[] = [];
  #dataChars = 0;
  #id: string | undefined;
  #event = '';

  constructor(private readonly dispatch: (message: { id: string | undefined; event: string; data: string }) => void) {}

  /** Throws SseLimitError when a line or an event grows past the bounds. */
  push(chunk: string): void {
    this.#buffer += chunk;
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.#buffer);
      // A lone \r at the very end may be the first half of \r\n.
      if (!match || (match[0] === '\r' && match.index === this.#buffer.length - 1)) break;
      const line = this.#buffer.slice(0, match.index);
      this.#buffer = this.#buffer.slice(match.index + match[0].length);
      this.#line(line);
    }
    if (this.#buffer.length > SSE_MAX_LINE_CHARS) {
      this.#buffer = '';
      throw new SseLimitError(`an event stream line longer than ${SSE_MAX_LINE_CHARS} characters`);
    }
  }

  #line(line: string): void {
    if (line === '') {
      if (this.#data.length > 0) this.dispatch({ id: this.#id, event: this.#event || 'message', data: this.#data.join('\n') });
      this.#data = [];
      this.#dataChars = 0;
      this.#event = '';
      return;
    }
    if (line.startsWith(':')) return; // comment (heartbeat)
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') {
      this.#dataChars += value.length + 1;
      if (this.#dataChars > SSE_MAX_EVENT_CHARS) {
        this.#data = [];
        this.#dataChars = 0;
        throw new SseLimitError(`an event larger than ${SSE_MAX_EVENT_CHARS} characters`);
      }
      this.#data.push(value);
    }
    else if (field === 'event') this.#event = value;
    else if (field === 'id' && !value.includes('\0')) this.#id = value;
  }
}

export class EventStream {
  readonly #options: Required<Omit<EventStreamOptions, 'client' | 'authorized' | 'logger'>> & EventStreamOptions;
  #lastEventId: number | null = null;
  #running = false;
  #abort: AbortController | null = null;
  #retryTimer: unknown = null;
  #attempt = 0;
  /** The next reconnect skips the backoff (reconnectNow dropped the connection on purpose). */
  #immediate = false;
  #state: ConnectionState = { state: 'idle' };
  readonly #eventListeners = new Set<(event: ServerEvent) => void>();
  readonly #stateListeners = new Set<(state: ConnectionState) => void>();
  /** Resolves when the running connection attempt has ended (tests, shutdown). */
  #loop: Promise<void> = Promise.resolve();

  constructor(options: EventStreamOptions) {
    this.#options = {
      backoffMs: defaultBackoff,
      idleTimeoutMs: 45_000,
      scheduler: realScheduler,
      ...options,
    };
  }

  get state(): ConnectionState {
    return this.#state;
  }

  get lastEventId(): number | null {
    return this.#lastEventId;
  }

  onEvent(listener: (event: ServerEvent) => void): () => void {
    this.#eventListeners.add(listener);
    return () => this.#eventListeners.delete(listener);
  }

  onState(listener: (state: ConnectionState) => void): () => void {
    this.#stateListeners.add(listener);
    return () => this.#stateListeners.delete(listener);
  }

  /**
   * Starts streaming. `resumeAfter` is the last event id already seen (null:
   * from now on, as the BFF starts a subscriber without Last-Event-ID; 0: everything it keeps).
   */
  start(resumeAfter: number | null = null): void {
    if (this.#running) return;
    this.#running = true;
    this.#lastEventId = resumeAfter;
    this.#attempt = 0;
    this.#connect();
  }

  /** Stops for good (sign-out, quit); start() again later resumes nothing. */
  async stop(): Promise<void> {
    this.#running = false;
    if (this.#retryTimer !== null) this.#options.scheduler.clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    this.#abort?.abort();
    await this.#loop;
    this.#setState({ state: 'idle' });
  }

  /**
   * Reconnects at once, resuming with Last-Event-ID (the OS woke up, the
   * screen was unlocked, the network came back): a connection that survived
   * sleep may be dead without knowing it, and a backoff timer may be waiting
   * up to 30 s. Does nothing when the stream is stopped (no session).
   */
  reconnectNow(): void {
    if (!this.#running) return;
    this.#attempt = 0;
    if (this.#retryTimer !== null) {
      this.#options.scheduler.clearTimeout(this.#retryTimer);
      this.#retryTimer = null;
      this.#connect();
      return;
    }
    this.#immediate = true;
    this.#abort?.abort();
  }

  #connect(): void {
    if (!this.#running) return;
    this.#setState({ state: this.#attempt === 0 ? 'connecting' : 'reconnecting' });
    const abort = new AbortController();
    this.#abort = abort;
    this.#loop = this.#runOnce(abort).then(
      () => this.#scheduleReconnect('the BFF closed the event stream'),
      (error: unknown) => {
        if (isClientError(error) && (error.code === 'session_expired' || error.code === 'not_signed_in')) {
          // No session, no stream: the session service has already told the renderer.
          this.#running = false;
          this.#setState({ state: 'idle', message: error.message });
          return;
        }
        const message = isClientError(error) ? error.message : error instanceof Error ? error.message : String(error);
        this.#scheduleReconnect(message);
      },
    );
  }

  #scheduleReconnect(message: string): void {
    if (!this.#running) return;
    if (this.#immediate) {
      this.#immediate = false;
      this.#options.logger.info('event stream: reconnecting now', { last_event_id: this.#lastEventId });
      this.#connect();
      return;
    }
    this.#attempt += 1;
    const delay = Math.max(0, Math.round(this.#options.backoffMs(this.#attempt)));
    this.#options.logger.info('event stream lost, reconnecting', { message, attempt: this.#attempt, delay, last_event_id: this.#lastEventId });
    this.#setState({ state: 'reconnecting', retry_in_ms: delay, message });
    this.#retryTimer = this.#options.scheduler.setTimeout(() => {
      this.#retryTimer = null;
      this.#connect();
    }, delay);
  }

  /** One connection: resolves when the server ends it, rejects on failure. */
  async #runOnce(abort: AbortController): Promise<void> {
    const { client, authorized } = this.#options;
    await authorized(
      (accessToken) =>
        new Promise<void>((resolve, reject) => {
          const headers: Record<string, string> = { authorization: `Bearer ${accessToken}` };
          if (this.#lastEventId !== null) headers['last-event-id'] = String(this.#lastEventId);
          const stream = client.stream(endpointPath(ENDPOINTS.events), headers, abort.signal);
          let idleTimer: unknown = null;
          let settled = false;
          const finish = (error?: unknown) => {
            if (settled) return;
            settled = true;
            if (idleTimer !== null) this.#options.scheduler.clearTimeout(idleTimer);
            stream.destroy();
            if (error) reject(error);
            else resolve();
          };
          const armIdle = () => {
            if (idleTimer !== null) this.#options.scheduler.clearTimeout(idleTimer);
            idleTimer = this.#options.scheduler.setTimeout(() => finish(new Error('no heartbeat from the BFF')), this.#options.idleTimeoutMs);
          };
          const parser = new SseParser((message) => this.#deliver(message));
          stream.on('response', (response: { statusCode: number }) => {
            if (response.statusCode === 200) {
              this.#attempt = 0;
              this.#setState({ state: 'connected' });
              armIdle();
            }
          });
          // Bytes to text with a decoder that keeps a character split across chunks whole.
          const decoder = new TextDecoder('utf-8');
          stream.on('data', (chunk: Buffer) => {
            armIdle();
            try {
              parser.push(decoder.decode(chunk, { stream: true }));
            } catch (error) {
              this.#options.logger.warn('event stream: over the size bounds, reconnecting', { error: (error as Error).message });
              finish(error);
            }
          });
          stream.on('end', () => finish());
          stream.on('error', (error: Error & { response?: { statusCode?: number } }) => {
            if (abort.signal.aborted) return finish();
            const status = error.response?.statusCode;
            // 401: let authorized() refresh once and call again.
            if (status === 401) return finish(new ClientError('unauthenticated', 'The BFF refused the access token.', undefined, 401));
            finish(status ? new Error(`the BFF answered ${status} to the event stream`) : error);
          });
        }),
    );
  }

  #deliver(message: { id: string | undefined; event: string; data: string }): void {
    let json: unknown;
    try {
      json = JSON.parse(message.data);
    } catch {
      this.#options.logger.warn('event stream: data is not JSON, skipped', { id: message.id, event: message.event });
      return;
    }
    const parsed = ServerEvent.safeParse(json);
    if (!parsed.success) {
      // A newer BFF may send types this console does not know: skip them, keep the stream.
      this.#options.logger.warn('event stream: unknown or malformed event, skipped', { id: message.id, event: message.event });
      if (message.id && /^\d+$/.test(message.id)) this.#lastEventId = Math.max(this.#lastEventId ?? 0, Number(message.id));
      return;
    }
    const event = parsed.data;
    if (this.#lastEventId !== null && event.id <= this.#lastEventId) return; // already seen (replay overlap)
    this.#lastEventId = event.id;
    for (const listener of this.#eventListeners) {
      try {
        listener(event);
      } catch (error) {
        this.#options.logger.error('event listener failed', { error });
      }
    }
  }

  #setState(state: ConnectionState): void {
    this.#state = state;
    for (const listener of this.#stateListeners) listener(state);
  }
}
