// What every route and service of the BFF receives: the database, the clock
// and the server's settings. Passed explicitly, never held in module globals.
import type { AuditChainHealth } from '../../shared/api/system.js';
import type { Db } from './store/database.js';
import { DEFAULT_PASSWORD_COST, type PasswordCost } from './services/passwords.js';
import { SessionWatch } from './services/session-watch.js';
import type { CanaryAnalysisSettings } from './services/canary/canary-settings.js';
import type { OidcResourceServer } from './services/oidc/resource-server.js';
import type { OidcSettings } from './services/oidc/settings.js';

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
  /** How long an Idempotency-Key reservation outlives its request's last sign of life (a crash). */
  idempotencyLeaseSeconds: number;
  /** Directory of the report-signing private keys (services/report-signing.ts); unset: reports cannot be signed. */
  signingKeyDir?: string;
  /**
   * Key (32 bytes, BFF_SIGNING_KEY_SECRET) that seals report-signing private keys
   * into the database instead of the key directory: replicas share them (docs/decisions/0004).
   */
  signingKeySecret?: Uint8Array;
  /** The dispatcher and reconcile loop of approved changes (services/serving/dispatcher.ts). */
  dispatch: DispatchSettings;
  /** The online canary analysis loop (services/canary/canary-analyzer.ts); absent: its defaults. */
  canaryAnalysis?: CanaryAnalysisSettings;
  /** The company IdP (BFF_OIDC_*); unset: password sign-in only (docs/decisions/0012). */
  oidc?: OidcSettings;
}

export interface DispatchSettings {
  /** How often applied HAProxy weights are read back to detect drift (default 15 s). */
  reconcileIntervalMs: number;
  /** First retry delay and its cap; each failure doubles the delay, with jitter. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** How long a claimed outbox row stays with its dispatcher; longer than any one attempt. */
  leaseMs: number;
  /** Fallback poll for work queued by another replica (this process wakes itself at once). */
  pollIntervalMs: number;
  /** Re-apply the approved state when drift is found (otherwise report it and wait for a person). */
  reapplyOnDrift: boolean;
}

/** Wakes the dispatcher after a transaction that queued a desired state has committed. */
export interface DispatchNotifier {
  wake(): void;
  /** Tries the model's queued state now (the Retry dispatch action) and resolves when that try is recorded. */
  applyNow(modelId: string): Promise<void>;
}

/** Wakes the event stream after a transaction that appended events has committed. */
export interface EventNotifier {
  wake(): void;
}

/** Where a server is in its life: readiness turns false while it drains for shutdown. */
export interface Lifecycle {
  draining: boolean;
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
  dispatch: DispatchNotifier;
  /** Told when sessions end, so open event streams re-check at once. */
  sessions: SessionWatch;
  /** Absent in a bare buildApp: never draining. */
  lifecycle?: Lifecycle;
  /** Set by startBff; a bare buildApp reports the chain as unchecked. */
  auditChain?: AuditChainState;
  /** Verifies the company IdP's tokens when settings.oidc is set (one JWKS cache per server). */
  oidc?: OidcResourceServer;
}

export const DEFAULT_DISPATCH_SETTINGS: DispatchSettings = {
  reconcileIntervalMs: 15_000,
  retryBaseMs: 1000,
  retryMaxMs: 60_000,
  leaseMs: 60_000,
  pollIntervalMs: 5000,
  reapplyOnDrift: false,
};

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
  dispatch: DEFAULT_DISPATCH_SETTINGS,
  idempotencyLeaseSeconds: 60,
};
