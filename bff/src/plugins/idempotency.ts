// Idempotency-Key for authenticated POSTs: the first request reserves (user, key)
// before its handler runs, its answer is stored, and a retry gets that answer
// back instead of running the action again (docs/two-person-rule.md, rule 6).
import { createHmac } from 'node:crypto';
import fp from 'fastify-plugin';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { IDEMPOTENCY_HEADER, IdempotencyKey } from '../../../shared/api/auth.js';
import { canonicalJson } from '../../../shared/logic/canonical-json.js';
import type { BffContext } from '../context.js';
import { ApiError } from '../errors.js';
import { instanceSecret } from '../store/instance-secrets.js';
import {
  IN_PROGRESS,
  completeIdempotencyKey,
  deleteIdempotencyKeyIfOlder,
  releaseIdempotencyKey,
  renewReservation,
  reserveIdempotencyKey,
  takeOverExpiredReservation,
} from '../store/idempotency-keys.js';
import { sha256Hex } from '../services/sha256.js';

export const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;
export const IDEMPOTENT_REPLAYED_HEADER = 'idempotent-replayed';

interface Reservation {
  userId: string;
  key: string;
  /** Renews the lease while the handler runs. */
  renewal: ReturnType<typeof setInterval>;
}

/** Stored fingerprints carry their scheme; rows from before it are plain sha256 hex (bodies without secrets). */
const HMAC_PREFIX = 'hmac-sha256:';

function fingerprintMaterial(request: FastifyRequest): string {
  // The concrete URL (not the route pattern): the same key on another model is another request.
  return canonicalJson({ method: request.method, url: request.url, body: request.body ?? null });
}

/**
 * Keyed, so that the stored value says nothing about the body to whoever reads
 * the table: a plain hash of a low-entropy body is recovered by guessing.
 */
function requestFingerprint(secret: Buffer, material: string): string {
  return HMAC_PREFIX + createHmac('sha256', secret).update(material, 'utf8').digest('hex');
}

function sameRequest(stored: string, secret: Buffer, material: string): boolean {
  if (stored.startsWith(HMAC_PREFIX)) return stored === requestFingerprint(secret, material);
  return stored === sha256Hex(material);
}

/**
 * Routes whose requests or answers hold credentials (passwords, TOTP codes,
 * access, refresh and step-up tokens): never stored, never fingerprinted, and
 * a retry simply runs again (each of them is safe to repeat or fails closed).
 */
export function isExcludedFromIdempotency(routeUrl: string): boolean {
  return routeUrl === '/auth' || routeUrl.startsWith('/auth/');
}

const idempotencyPlugin: FastifyPluginAsync<{ ctx: BffContext }> = async (app, { ctx }) => {
  const reservations = new WeakMap<FastifyRequest, Reservation>();
  let secret: Promise<Buffer> | undefined;
  const fingerprintKey = (): Promise<Buffer> => {
    secret ??= instanceSecret(ctx.db, 'idempotency_hmac', ctx.now()).catch((error: unknown) => {
      secret = undefined;
      throw error;
    });
    return secret;
  };

  const preHandler = async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.method !== 'POST' || !request.principal) return;
    if (isExcludedFromIdempotency(request.routeOptions.url ?? request.url)) return;
    const header = request.headers[IDEMPOTENCY_HEADER];
    if (header === undefined) return;
    const parsed = IdempotencyKey.safeParse(Array.isArray(header) ? header[0] : header);
    if (!parsed.success) {
      throw new ApiError('invalid_request', `invalid Idempotency-Key: ${parsed.error.issues[0]?.message ?? 'malformed'}`);
    }
    const key = parsed.data;
    const userId = request.principal.userId;
    const now = ctx.now();
    const fingerprintSecret = await fingerprintKey();
    const material = fingerprintMaterial(request);
    const baseRecord = {
      method: request.method,
      route: request.routeOptions.url ?? request.url,
      requestHash: requestFingerprint(fingerprintSecret, material),
      createdAt: now.toISOString(),
    };
    const leaseMs = ctx.settings.idempotencyLeaseSeconds * 1000;
    const leaseFrom = (at: Date) => new Date(at.getTime() + leaseMs).toISOString();
    const hold = () => {
      // A third of the lease: two renewals may be lost (a slow database) before a retry could take over.
      const renewal = setInterval(() => {
        renewReservation(ctx.db, userId, key, leaseFrom(ctx.now())).catch((error: unknown) =>
          request.log.warn({ err: error }, 'could not renew the Idempotency-Key lease'),
        );
      }, Math.max(1000, Math.floor(leaseMs / 3)));
      renewal.unref();
      reservations.set(request, { userId, key, renewal });
    };
    const record = { ...baseRecord, leaseUntil: leaseFrom(now) };
    let existing = await reserveIdempotencyKey(ctx.db, userId, key, record);
    if (existing && existing.createdAt < new Date(now.getTime() - IDEMPOTENCY_TTL_MS).toISOString()) {
      // Expired: the key may be used afresh.
      await deleteIdempotencyKeyIfOlder(ctx.db, userId, key, new Date(now.getTime() - IDEMPOTENCY_TTL_MS).toISOString());
      existing = await reserveIdempotencyKey(ctx.db, userId, key, record);
    }
    if (!existing) {
      hold();
      return;
    }
    if (!sameRequest(existing.requestHash, fingerprintSecret, material)) {
      throw new ApiError('idempotency_conflict', 'this Idempotency-Key was already used for a different request');
    }
    if (existing.statusCode === IN_PROGRESS) {
      // A reservation whose lease ran out belongs to a request that died with its process (it renews
      // while it runs, and its transaction rolled back): this retry runs the action instead.
      const expired = existing.leaseUntil === null || existing.leaseUntil < now.toISOString();
      if (expired && (await takeOverExpiredReservation(ctx.db, userId, key, now.toISOString(), record))) {
        hold();
        return;
      }
      // Never run the action a second time while the first may still dispatch it.
      throw new ApiError('conflict', 'a request with this Idempotency-Key is in progress; retry shortly');
    }
    reply.code(existing.statusCode).header(IDEMPOTENT_REPLAYED_HEADER, 'true');
    // A stored 204 has no body to describe.
    if (existing.response === '') return reply.send();
    return reply.type('application/json; charset=utf-8').send(existing.response);
  };

  const onSend = async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const reservation = reservations.get(request);
    if (!reservation) return payload;
    reservations.delete(request);
    clearInterval(reservation.renewal);
    try {
      if (reply.statusCode >= 500) {
        // The action failed (and rolled back): let a retry run it.
        await releaseIdempotencyKey(ctx.db, reservation.userId, reservation.key);
      } else {
        const body = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : '';
        await completeIdempotencyKey(ctx.db, reservation.userId, reservation.key, reply.statusCode, body);
      }
    } catch (error) {
      request.log.error({ err: error }, 'could not record the idempotent answer');
    }
    return payload;
  };

  // A request that never reached onSend (its connection died first) stops renewing; its lease then runs out.
  const onResponse = async (request: FastifyRequest) => {
    const reservation = reservations.get(request);
    if (reservation) clearInterval(reservation.renewal);
  };

  // Only POST requests reserve a key, so the hooks go on POST routes only (every route
  // registered after this plugin): the reads, which are most requests, do not run three
  // async hooks that could only return (issue 12, docs/decisions/0013-registry-read-path.md).
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!methods.includes('POST')) return;
    route.preHandler = [...hooksOf(route.preHandler), preHandler];
    route.onSend = [...hooksOf(route.onSend), onSend];
    route.onResponse = [...hooksOf(route.onResponse), onResponse];
  });
};

/** A route option's hooks as a list (Fastify accepts one hook, a list, or none). */
function hooksOf<T>(hooks: T | T[] | undefined): T[] {
  if (hooks === undefined) return [];
  return Array.isArray(hooks) ? hooks : [hooks];
}

export default fp(idempotencyPlugin, { name: 'idempotency', dependencies: ['access'] });
