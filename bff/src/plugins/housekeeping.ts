// Hourly (and at start) removal of rows that can no longer matter: expired
// idempotency keys, reservations whose request died (lease run out), step-up
// tokens, refresh tokens, spent IdP step-up nonces and /auth rate windows.
// Keeps the tables small.
import fp from 'fastify-plugin';
import type { FastifyPluginAsync } from 'fastify';
import type { BffContext } from '../context.js';
import { deleteRateWindowsBefore } from '../store/auth-rate-windows.js';
import { deleteSpentStepUpNoncesBefore } from '../store/idp-users.js';
import { deleteExpiredIdempotencyKeys, deleteStaleReservations } from '../store/idempotency-keys.js';
import { deleteExpiredRefreshTokens } from '../store/refresh-tokens.js';
import { deleteEndedSessions } from '../store/sessions.js';
import { deleteExpiredStepUpTokens } from '../store/step-up-tokens.js';
import { IDEMPOTENCY_TTL_MS } from './idempotency.js';

const INTERVAL_MS = 3600 * 1000;
// Expired tokens are kept a day so that a late reuse still reads as "expired", not "unknown".
const TOKEN_GRACE_MS = 24 * 3600 * 1000;
const RATE_WINDOW_KEEP_MS = 3600 * 1000;

export async function runHousekeeping(ctx: BffContext): Promise<void> {
  const now = ctx.now().getTime();
  await deleteExpiredIdempotencyKeys(ctx.db, new Date(now - IDEMPOTENCY_TTL_MS).toISOString());
  await deleteStaleReservations(ctx.db, new Date(now).toISOString());
  await deleteExpiredStepUpTokens(ctx.db, new Date(now - TOKEN_GRACE_MS).toISOString());
  await deleteExpiredRefreshTokens(ctx.db, new Date(now - TOKEN_GRACE_MS).toISOString());
  await deleteEndedSessions(ctx.db, new Date(now - TOKEN_GRACE_MS).toISOString());
  // A nonce guards against a replayed ID token only while that token's auth_time is fresh
  // (5 minutes, plus clock tolerance); kept as long as expired tokens, so a late replay still
  // reads as "nonce_reused" in the audit, and refused as too old after that.
  await deleteSpentStepUpNoncesBefore(ctx.db, new Date(now - TOKEN_GRACE_MS).toISOString());
  // /auth windows last a minute; an hour-old one counts nothing any more.
  await deleteRateWindowsBefore(ctx.db, new Date(now - RATE_WINDOW_KEEP_MS).toISOString());
}

const housekeepingPlugin: FastifyPluginAsync<{ ctx: BffContext }> = async (app, { ctx }) => {
  const run = async (): Promise<void> => {
    try {
      await runHousekeeping(ctx);
    } catch (error) {
      app.log.warn({ err: error }, 'housekeeping failed');
    }
  };
  const timer = setInterval(() => void run(), INTERVAL_MS);
  timer.unref();
  app.addHook('onReady', run);
  app.addHook('onClose', async () => clearInterval(timer));
};

export default fp(housekeepingPlugin, { name: 'housekeeping' });
