// What every route and service of the BFF receives: the database, the clock
// and the server's settings. Passed explicitly, never held in module globals.
import type { AuditChainHealth } from '../../shared/api/system.js';
import type { Db } from './store/database.js';

export interface BffSettings {
  /** Secret for HS256 access tokens; generated per database when not given. */
  accessTokenSecret: Uint8Array;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  stepUpTtlSeconds: number;
  /** Failed logins before the account locks, and for how long. */
  lockoutThreshold: number;
  lockoutSeconds: number;
  /** Per-IP budget for /auth/* routes per minute. */
  authRateLimitPerMinute: number;
  /** Where this server is reachable, as clients see it (for reports and logs). */
  publicOrigin: string;
  /** How long an Idempotency-Key reservation outlives its request's last sign of life (a crash). */
  idempotencyLeaseSeconds: number;
  /** Directory of the report-signing private keys (services/report-signing.ts); unset: reports cannot be signed. */
  signingKeyDir?: string;
}

/** Wakes the event stream after a transaction that appended events has committed. */
export interface EventNotifier {
  wake(): void;
}

/** The audit chain as checked at start (services/audit-checkpoint.ts), for /healthz. */
export interface AuditChainState {
  current(): AuditChainHealth;
}

export interface BffContext {
  db: Db;
  now: () => Date;
  settings: BffSettings;
  events: EventNotifier;
  /** Set by startBff; a bare buildApp reports the chain as unchecked. */
  auditChain?: AuditChainState;
}

export const DEFAULT_SETTINGS: Omit<BffSettings, 'accessTokenSecret' | 'publicOrigin'> = {
  accessTokenTtlSeconds: 15 * 60,
  refreshTokenTtlSeconds: 30 * 24 * 3600,
  stepUpTtlSeconds: 5 * 60,
  lockoutThreshold: 5,
  lockoutSeconds: 15 * 60,
  authRateLimitPerMinute: 30,
  idempotencyLeaseSeconds: 60,
};
