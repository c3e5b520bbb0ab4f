// The main process's HTTP client of the BFF (got): timeouts, retries only where
// repeating is safe, policy CA certificates and proxy, and every answer checked
// against the shared/api schemas so a malformed one becomes an error value.
import { rootCertificates } from 'node:tls';
import { promisify } from 'node:util';
import { brotliDecompress, gunzip, inflate } from 'node:zlib';
import got, { HTTPError, RequestError, TimeoutError, type Got, type Method } from 'got';
import type { z } from 'zod';
import { ErrorBody, IDEMPOTENCY_HEADER, STEP_UP_HEADER } from '../../../shared/api/index.js';
import { describeIssues } from './describe-issues.js';
import { endpointPath, successSchema, type CallableEndpoint, type EndpointInput, type EndpointResponse, type HttpMethod } from '../../../shared/api/endpoint.js';
import { ClientError } from './client-error.js';
import type { Logger } from './logger.js';
import { bypassesProxy, createProxyAgents, type ProxySettings } from './proxy-agent.js';
import { createSocketAgent } from './socket-agent.js';

export interface BffClientOptions {
  baseUrl: string;
  logger: Logger;
  /** Whole-request budget, per attempt. */
  timeoutMs?: number;
  /** Retries after the first attempt, for calls that may be repeated. */
  retryLimit?: number;
  /** Delay before retry `attempt` (1-based); must be >= 1 (got reads 0 as "do not retry"). */
  retryDelayMs?: (attempt: number) => number;
  /** Extra CA certificates (PEM) trusted in addition to the system's. */
  caCertificates?: string[];
  proxy?: ProxySettings;
  userAgent?: string;
  /** Local mode: every connection goes to this unix socket / named pipe, whatever `baseUrl` says (no proxy). */
  socketPath?: string;
}

export type QueryValue = string | number | boolean | undefined | null;

export interface BffRequest<S extends z.ZodType> {
  method: HttpMethod;
  /** Path below the base URL, starting with "/". */
  path: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
  /** Schema of a 2xx answer. */
  response: S;
  accessToken?: string;
  stepUpToken?: string;
  /** A POST with a key may be retried: the BFF answers a repeat with the first answer. */
  idempotencyKey?: string;
  /** Largest answer accepted, decompressed (default API_RESPONSE_MAX_BYTES); past it the request is aborted. */
  maxBytes?: number;
}

/** How one call goes out: credentials, its Idempotency-Key, and a larger answer budget where one is due. */
export type CallOptions = Pick<BffRequest<z.ZodType>, 'accessToken' | 'stepUpToken' | 'idempotencyKey' | 'maxBytes'>;

const MEGABYTE = 1024 * 1024;
/** Every API answer is far below this; a larger one is a fault or an attack, not data. */
export const API_RESPONSE_MAX_BYTES = 16 * MEGABYTE;
/** Signed eval reports (files are refused over 50 MB; the answer may be a little larger). */
export const REPORT_RESPONSE_MAX_BYTES = 60 * MEGABYTE;
const ERROR_BODY_MAX_BYTES = MEGABYTE;

/**
 * The body as sent, inflated by us rather than by got so that the inflated
 * size is bounded too (zlib's maxOutputLength): a small gzip bomb never
 * becomes gigabytes in memory.
 */
async function decodeBody(raw: Buffer, encoding: string | undefined, maxBytes: number): Promise<Buffer> {
  const options = { maxOutputLength: maxBytes };
  switch ((encoding ?? '').trim().toLowerCase()) {
    case '':
    case 'identity':
      return raw;
    case 'gzip':
    case 'x-gzip':
      return promisify(gunzip)(raw, options);
    case 'deflate':
      return promisify(inflate)(raw, options);
    case 'br':
      return promisify(brotliDecompress)(raw, options);
    default:
      throw new ClientError('bad_response', `The answer is encoded as ${encoding}, which the console does not read.`);
  }
}

const RETRY_STATUS = [408, 502, 503, 504];
const RETRY_ERRORS = ['ETIMEDOUT', 'ECONNRESET', 'EADDRINUSE', 'ECONNREFUSED', 'EPIPE', 'ENOTFOUND', 'ENETUNREACH', 'EAI_AGAIN'];

/** Exponential backoff, 250 ms doubling up to 4 s, with a little jitter. */
export const defaultRetryDelay = (attempt: number) => Math.min(4000, 250 * 2 ** (attempt - 1)) + Math.floor(Math.random() * 100);

/** The request for one call of an endpoint: its method, its path with the parameters filled in, its 2xx schemas. */
function requestOf(endpoint: CallableEndpoint, input: object, options: CallOptions): BffRequest<z.ZodType> {
  const { params, query, body } = input as { params?: Record<string, unknown>; query?: Record<string, QueryValue>; body?: unknown };
  return {
    ...options,
    method: endpoint.method,
    path: endpointPath(endpoint, params),
    ...(query === undefined ? {} : { query }),
    ...(body === undefined ? {} : { body }),
    response: successSchema(endpoint),
  };
}

export class BffClient {
  readonly origin: string;
  readonly #base: string;
  readonly #got: Got;
  readonly #logger: Logger;

  constructor(options: BffClientOptions) {
    const base = new URL(options.baseUrl);
    this.origin = base.origin;
    this.#base = base.href.replace(/\/$/, '');
    this.#logger = options.logger;
    const retryDelay = options.retryDelayMs ?? defaultRetryDelay;
    const useProxy = !options.socketPath && options.proxy && !bypassesProxy(base.hostname, options.proxy.bypass);
    const agent = options.socketPath
      ? { http: createSocketAgent(options.socketPath) }
      : useProxy && options.proxy
        ? createProxyAgents(options.proxy.url)
        : undefined;
    this.#got = got.extend({
      timeout: { request: options.timeoutMs ?? 15_000 },
      retry: {
        limit: options.retryLimit ?? 2,
        methods: ['GET', 'HEAD'],
        statusCodes: RETRY_STATUS,
        errorCodes: RETRY_ERRORS,
        calculateDelay: ({ computedValue, attemptCount }) => (computedValue === 0 ? 0 : Math.max(1, retryDelay(attemptCount))),
      },
      https: options.caCertificates?.length
        ? { certificateAuthority: [...rootCertificates, ...options.caCertificates] }
        : {},
      ...(agent ? { agent } : {}),
      headers: { 'user-agent': options.userAgent ?? 'model-ops-console', accept: 'application/json', 'accept-encoding': 'gzip, deflate, br' },
      // Inflated in decodeBody, bounded; got's own decompression has no limit.
      decompress: false,
      followRedirect: false,
      throwHttpErrors: true,
    });
  }

  url(path: string, query?: Record<string, QueryValue>): string {
    const url = new URL(`${this.#base}${path}`);
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined && value !== null) url.searchParams.set(key, String(value));
    }
    return url.href;
  }

  /**
   * Calls one endpoint of the table (shared/api/endpoints.ts): the path is built
   * from it (parameters URL-encoded) and the answer checked against its 2xx
   * schemas. Answers the parsed body or throws a ClientError.
   */
  async call<E extends CallableEndpoint>(endpoint: E, input: EndpointInput<E>, options: CallOptions = {}): Promise<EndpointResponse<E>> {
    return (await this.request(requestOf(endpoint, input, options))) as EndpointResponse<E>;
  }

  /** Like `call`, and also answers the body exactly as it arrived (see requestBytes). */
  async callBytes<E extends CallableEndpoint>(
    endpoint: E,
    input: EndpointInput<E>,
    options: CallOptions = {},
  ): Promise<{ bytes: Buffer; value: EndpointResponse<E> }> {
    return (await this.requestBytes(requestOf(endpoint, input, options))) as { bytes: Buffer; value: EndpointResponse<E> };
  }

  /** Sends one request; answers the parsed 2xx body or throws a ClientError (never anything else). */
  async request<S extends z.ZodType>(request: BffRequest<S>): Promise<z.output<S>> {
    return (await this.requestBytes(request)).value;
  }

  /**
   * Like `request`, and also answers the body exactly as it arrived. For
   * signed reports: the file a reviewer gets must be the BFF's bytes, never a
   * copy re-serialized from the parsed value (the value is still checked).
   */
  async requestBytes<S extends z.ZodType>(request: BffRequest<S>): Promise<{ bytes: Buffer; value: z.output<S> }> {
    const headers: Record<string, string> = {};
    if (request.accessToken) headers.authorization = `Bearer ${request.accessToken}`;
    if (request.stepUpToken) headers[STEP_UP_HEADER] = request.stepUpToken;
    if (request.idempotencyKey) headers[IDEMPOTENCY_HEADER] = request.idempotencyKey;
    const what = `${request.method} ${request.path}`;
    const retriable = request.method === 'GET' || request.idempotencyKey !== undefined;
    const started = Date.now();
    let status: number;
    let bytes: Buffer;
    let contentType: string | undefined;
    const maxBytes = request.maxBytes ?? API_RESPONSE_MAX_BYTES;
    let tooLarge = false;
    const pending = this.#got(this.url(request.path, request.query), {
      method: request.method as Method,
      headers,
      ...(request.body === undefined ? {} : { json: request.body }),
      responseType: 'buffer',
      // Only GET and POSTs carrying an Idempotency-Key may be sent twice.
      retry: retriable ? { methods: ['GET', 'HEAD', 'POST'] } : { limit: 0 },
    });
    const abortIfLarger = (size: number) => {
      if (size <= maxBytes || tooLarge) return;
      tooLarge = true;
      pending.cancel();
    };
    // Counted on the wire (got's own decompression is off: it cannot be bounded), then bounded again when
    // inflated. `total` is the declared Content-Length: too large is refused before the body is read.
    pending.on('downloadProgress', (progress: { transferred: number; total?: number }) => abortIfLarger(Math.max(progress.transferred, progress.total ?? 0)));
    try {
      const response = await pending;
      status = response.statusCode;
      bytes = await decodeBody(response.body, response.headers['content-encoding'], maxBytes);
      contentType = response.headers['content-type'];
      this.#logger.debug('bff request', { what, status, ms: Date.now() - started, retries: response.retryCount });
    } catch (error) {
      if (tooLarge || (error instanceof RangeError && (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')) {
        this.#logger.warn('bff answer too large, aborted', { what, max_bytes: maxBytes });
        throw new ClientError(
          'response_too_large',
          `The server at ${this.origin} answered ${what} with more than ${Math.round(maxBytes / MEGABYTE)} MB: the console stopped reading it.`,
        );
      }
      if (error instanceof HTTPError) {
        status = error.response.statusCode;
        contentType = error.response.headers['content-type'];
        this.#logger.info('bff error answer', { what, status, ms: Date.now() - started });
        let errorBody: Buffer;
        try {
          const raw = error.response.rawBody ?? Buffer.alloc(0);
          errorBody = await decodeBody(raw, error.response.headers['content-encoding'], ERROR_BODY_MAX_BYTES);
        } catch {
          errorBody = Buffer.alloc(0);
        }
        throw this.#errorFromBody(what, status, errorBody.toString('utf8'), contentType);
      }
      throw this.#networkError(what, error);
    }
    const json = this.#parseJson(what, status, bytes.toString('utf8'), contentType);
    const parsed = request.response.safeParse(json);
    if (!parsed.success) {
      this.#logger.warn('bff answer does not match the API', { what, status, issues: describeIssues(parsed.error) });
      throw new ClientError(
        'bad_response',
        `The server at ${this.origin} answered ${what} with data the console does not understand (${describeIssues(parsed.error)}). It may run a different version of the BFF.`,
        { status },
      );
    }
    return { bytes, value: parsed.data };
  }

  /** A streaming GET for the event stream: no retries (the caller reconnects with Last-Event-ID). */
  stream(path: string, headers: Record<string, string>, signal: AbortSignal) {
    return this.#got.stream(this.url(path), {
      headers: { ...headers, accept: 'text/event-stream' },
      // Inflated as it streams; the SSE parser bounds every line and event, so nothing piles up.
      decompress: true,
      retry: { limit: 0 },
      // The stream stays open for hours; only connecting is bounded. `request: undefined` lifts the
      // client-wide whole-request budget, which would otherwise cut the stream after timeoutMs.
      timeout: { request: undefined, connect: 10_000, secureConnect: 10_000, response: 15_000 },
      signal,
    });
  }

  #parseJson(what: string, status: number, body: string, contentType: string | undefined): unknown {
    // 204 No Content (logout): nothing to parse, the schema decides whether nothing is fine.
    if (status === 204 && body === '') return null;
    try {
      return JSON.parse(body);
    } catch {
      throw new ClientError(
        'bad_response',
        `The server at ${this.origin} answered ${what} with something that is not JSON (status ${status}, ${contentType ?? 'no content type'}). Is the BFF URL right?`,
        { status },
      );
    }
  }

  #errorFromBody(what: string, status: number, body: string, contentType: string | undefined): ClientError {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return new ClientError(
        'bad_response',
        `The server at ${this.origin} answered ${what} with status ${status} and no error the console understands (${contentType ?? 'no content type'}).`,
        { status },
        status,
      );
    }
    const parsed = ErrorBody.safeParse(json);
    if (parsed.success) {
      const { code, message, details } = parsed.data.error;
      return new ClientError(code, message, details, status);
    }
    const message = (json as { error?: { message?: unknown } } | null)?.error?.message;
    return new ClientError(
      'bad_response',
      `The server at ${this.origin} answered ${what} with status ${status} and an error the console does not know${typeof message === 'string' ? `: ${message.slice(0, 300)}` : '.'}`,
      { status },
      status,
    );
  }

  #networkError(what: string, error: unknown): ClientError {
    if (error instanceof TimeoutError) {
      return new ClientError('timeout', `The server at ${this.origin} did not answer ${what} in time.`);
    }
    if (error instanceof RequestError) {
      this.#logger.warn('bff unreachable', { what, code: error.code, error: error.message });
      return new ClientError(
        'network_unreachable',
        `The server at ${this.origin} cannot be reached (${error.code ?? error.message}).`,
        { cause: error.code },
      );
    }
    this.#logger.error('bff request failed unexpectedly', { what, error });
    return new ClientError('network_unreachable', `The server at ${this.origin} cannot be reached.`);
  }
}
