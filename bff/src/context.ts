// What every route and service of the BFF receives: the database, the clock
// and the server's settings. Passed explicitly, never held in module globals.
import type { Db } from './store/database.js';
import { DEFAULT_PASSWORD_COST, type PasswordCost } from './services/passwords.js';
import { SessionWatch } from './services/session-watch.js';

export interface BffSettings {
  /** Secret for HS256 access tokens; generated per database when not given. */
  accessTokenSecret: Uint8Array;
  accessTokenTtlSeconds: number;
  /** Idle lifetime of one refresh token (each use issues a new one). */
  refreshTokenTtlSeconds: number;
  /** Absolute lifetime of a sign-in: no refresh reaches past it. */
  sessionMaxSeconds: number;
  /** How often an open event stream re-checks that its user is still signed in and enabled. */
  streamRecheckSeconds: number;
  /** scrypt cost of new password hashes; older hashes are rehashed at sign-in. */
  passwordCost: PasswordCost;
  /**
   * Addresses (IPs or CIDRs) of reverse proxies whose X-Forwarded-For is
   * believed, for the per-address limits; empty: the socket's peer is the client.
   */
  trustedProxies: string[];
  stepUpTtlSeconds: number;
  /** Failed logins before the account locks, and for how long. */
  lockoutThreshold: number;
  lockoutSeconds: number;
  /** Per-IP budget for /auth/* routes per minute. */
  authRateLimitPerMinute: number;
  /** Where this server is reachable, as clients see it (for reports and logs). */
  publicOrigin: string;
  /** Directory of the report-signing private keys (services/report-signing.ts); unset: reports cannot be signed. */
  signingKeyDir?: string;
}

/** Wakes the event stream after a transaction that appended events has committed. */
export interface EventNotifier {
  wake(): void;
}

export interface BffContext {
  db: Db;
  now: () => Date;
  settings: BffSettings;
  events: EventNotifier;
  /** Told when sessions end, so open event streams re-check at once. */
  sessions: SessionWatch;
}

export const DEFAULT_SETTINGS: Omit<BffSettings, 'accessTokenSecret' | 'publicOrigin'> = {
  accessTokenTtlSeconds: 15 * 60,
  refreshTokenTtlSeconds: 30 * 24 * 3600,
  sessionMaxSeconds: 12 * 3600,
  streamRecheckSeconds: 30,
  passwordCost: DEFAULT_PASSWORD_COST,
  trustedProxies: [],
  stepUpTtlSeconds: 5 * 60,
  lockoutThreshold: 5,
  lockoutSeconds: 15 * 60,
  authRateLimitPerMinute: 30,
};
