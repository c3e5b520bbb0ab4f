// GET /admin/events: the server-sent event stream. Replays stored events after
// the client's Last-Event-ID (none: from now on), then streams new ones as they commit.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ENDPOINTS } from '../../../shared/api/endpoints.js';
import type { ServerEvent } from '../../../shared/api/events.js';
import type { BffContext } from '../context.js';
import { EventBus } from '../services/event-bus.js';
import { lastEventId } from '../store/event-log.js';
import type { Principal } from '../services/principal.js';
import { ApiError } from '../errors.js';
import { liveSessionEnd } from '../store/sessions.js';
import { findUserById } from '../store/users.js';
import { registerEndpoint } from './register-endpoint.js';

export const HEARTBEAT_MS = 15_000;
/** Open streams one user may hold in this process (a console needs one; each costs a socket and a subscriber). */
export const MAX_STREAMS_PER_USER = 5;
/** Sent as `retry:` when the server shuts down: reconnect soon (with Last-Event-ID), to another replica. */
export const SHUTDOWN_RETRY_MS = 500;
/** A client this far behind is dropped; it resumes with Last-Event-ID instead of growing our memory. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/** Whether a stream's person may still read it: session live, account enabled, some role left. */
export async function mayKeepStreaming(ctx: BffContext, principal: Principal): Promise<boolean> {
  if (principal.kind !== 'user') return false;
  // An IdP person's stream lives as long as the access token it opened with (roles come with the next token).
  if (principal.idp) {
    if (principal.idp.expiresAt <= ctx.now().toISOString()) return false;
  } else if (!principal.sessionId || !(await liveSessionEnd(ctx.db, principal.sessionId, principal.userId, ctx.now().toISOString()))) {
    return false;
  }
  const stored = await findUserById(ctx.db, principal.userId);
  return stored !== undefined && !stored.disabled && stored.user.roles.length > 0;
}

export function formatServerEvent(event: ServerEvent): string {
  // JSON has no raw newlines, so `data:` is one line.
  return `id: ${event.id}\nevent: ${event.data.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

const eventRoutes: FastifyPluginAsyncZod<{ ctx: BffContext }> = async (app, { ctx }) => {
  if (!(ctx.events instanceof EventBus)) throw new Error('the event stream needs ctx.events to be an EventBus');
  const bus = ctx.events;
  const openStreams = new Set<(retryMs?: number) => void>();
  const streamsPerUser = new Map<string, number>();

  // Ends open streams before the server waits for its connections to drain,
  // telling each client to come back soon: the next replica replays what it missed.
  app.addHook('preClose', async () => {
    for (const end of [...openStreams]) end(SHUTDOWN_RETRY_MS);
  });

  registerEndpoint(app, ENDPOINTS.events, async (request, reply, { principal }) => {
    // The header wins: EventSource sends it on reconnect, newer than any id in the URL.
    // With neither, a new subscriber starts at now: history is not news (ask for
    // last_event_id=0 to replay it all).
    const after = request.headers['last-event-id'] ?? request.query.last_event_id ?? (await lastEventId(ctx.db));
    // Checked and counted with no await in between, so concurrent opens cannot both slip under the cap.
    const held = streamsPerUser.get(principal.userId) ?? 0;
    if (held >= MAX_STREAMS_PER_USER) {
      throw new ApiError('rate_limited', `at most ${MAX_STREAMS_PER_USER} open event streams per user; close one first`, {
        max_streams: MAX_STREAMS_PER_USER,
      });
    }
    const raw = reply.raw;
    streamsPerUser.set(principal.userId, held + 1);
    reply.hijack();
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-content-type-options': 'nosniff',
    });
    raw.write('retry: 3000\n\n');

    let ended = false;
    let unsubscribe: () => void = () => undefined;
    let unwatch: () => void = () => undefined;
    const end = (retryMs?: number): void => {
      if (ended) return;
      ended = true;
      clearInterval(heartbeat);
      clearInterval(recheck);
      unsubscribe();
      unwatch();
      openStreams.delete(end);
      const left = (streamsPerUser.get(principal.userId) ?? 1) - 1;
      if (left > 0) streamsPerUser.set(principal.userId, left);
      else streamsPerUser.delete(principal.userId);
      if (retryMs !== undefined && raw.writable) raw.write(`retry: ${retryMs}\n\n`);
      raw.end();
    };
    // A stream outlives the request that opened it: a sign-out, a revoked session or a
    // disabled account ends it, at once in this process, within an interval on any replica.
    // A check asked for while one runs runs again after it: it may have read before the revocation committed.
    let checking = false;
    let again = false;
    const check = (): void => {
      if (ended) return;
      if (checking) {
        again = true;
        return;
      }
      checking = true;
      again = false;
      mayKeepStreaming(ctx, principal).then(
        (ok) => {
          checking = false;
          if (!ok) end();
          else if (again) check();
        },
        (error: unknown) => {
          checking = false;
          request.log.warn({ err: error }, 'event stream session check failed');
        },
      );
    };
    const recheck = setInterval(check, ctx.settings.streamRecheckSeconds * 1000);
    recheck.unref();
    unwatch = ctx.sessions.subscribe(check);
    const write = (chunk: string): void => {
      if (ended) return;
      raw.write(chunk);
      if (raw.writableLength > MAX_BUFFERED_BYTES) end();
    };
    const heartbeat = setInterval(() => write(': heartbeat\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    openStreams.add(end);
    unsubscribe = bus.subscribe(after, (event) => write(formatServerEvent(event)), () => end());
    request.raw.on('close', () => end());
    raw.on('error', () => end());
    // Hijacked: the stream is this handler's to write, Fastify sends nothing.
    return undefined;
  });
};

export default eventRoutes;
