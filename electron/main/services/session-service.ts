// Sessions against the BFF: sign-in, the refresh token in the OS keychain only
// when the user chose to stay signed in, the access token in memory only,
// 401 -> one refresh -> sign-in prompt, and single-use step-up tokens.
import type { StepUpPurpose, StepUpResponse, TokenResponse } from '../../../shared/api/auth.js';
import { ENDPOINTS } from '../../../shared/api/endpoints.js';
import type { User } from '../../../shared/domain/user.js';
import type { SessionState, SignInMethods, StepUpCredentials } from '../../../shared/ipc/contract.js';
import type { BffClient } from './bff-client.js';
import { ClientError, isClientError } from './client-error.js';
import { keychainEntry, type CredentialVault } from './credential-vault.js';
import type { Logger } from './logger.js';
import type { OidcClientConfig } from '../../../shared/api/auth-config.js';
import type { AuthConfigResponse } from '../../../shared/api/auth-config.js';
import type { OidcSignIn, OidcTokens } from './oidc-sign-in.js';

/** Keychain secrets of company sign-ins start with this (a BFF refresh token is base64url: never a ':'). */
const IDP_SECRET_PREFIX = 'oidc:';

/** Where the user names of saved sign-ins are kept (non-secret), per session origin. */
export interface RememberedUsers {
  rememberedUser(sessionOrigin: string): string | null;
  setRememberedUser(sessionOrigin: string, username: string | null): void;
}

export interface SessionServiceOptions {
  client: BffClient;
  vault: CredentialVault;
  remembered: RememberedUsers;
  /**
   * Names the keychain entry: the BFF origin, or a stable name in local mode,
   * whose port changes from run to run.
   */
  sessionOrigin: string;
  logger: Logger;
  now?: () => number;
  /**
   * Local mode: the embedded BFF's demo users, whose sessions and step-ups the
   * console obtains in-process, with no password (docs/decisions/0014-local-mode-sign-in.md).
   */
  localAccounts?: LocalAccounts;
  /** Company sign-in through the system browser (docs/decisions/0012); absent: password only. */
  oidc?: OidcSignIn;
  /** Workstation policy `password_sign_in: false`: only the company IdP signs in here. */
  passwordSignIn?: boolean;
}

/** Local mode's demo users: the embedded BFF opens their sessions and step-ups for this process only. */
export interface LocalAccounts {
  has(username: string): boolean;
  /** A new session (the tokens a sign-in answers); null for anyone else. */
  signIn(username: string): Promise<TokenResponse | null>;
  /** A step-up token for the live session of `accessToken`, after the native confirmation. */
  stepUp(accessToken: string, purpose: StepUpPurpose): Promise<StepUpResponse>;
}

const NO_LOCAL_ACCOUNTS: LocalAccounts = {
  has: () => false,
  signIn: async () => null,
  stepUp: async () => {
    throw new ClientError('step_up_required', 'Enter your password to confirm this action.');
  },
};

interface LiveSession {
  user: User;
  accessToken: string;
  /** ms since epoch; refreshed a little before. */
  accessExpiresAt: number;
  /** In memory for the whole session; on disk (keychain) only when remembered. */
  refreshToken: string;
  remembered: boolean;
  keychainWarning?: string;
  /** A local-mode demo user, signed in by the console itself. */
  localAccount: boolean;
  /** Signed in at the company IdP: tokens come from (and are renewed at) the IdP, not the BFF. */
  idp?: OidcClientConfig;
  /** The IdP's subject of this person (from the last ID token; unknown after a refresh that sent none). */
  idpSubject?: string;
}

/**
 * The `sub` of an ID token openid-client has already verified (signature, iss, aud, nonce)
 * at the code or refresh exchange; read here only to compare people.
 */
function subjectOfIdToken(idToken: string | undefined): string | undefined {
  const payload = idToken?.split('.')[1];
  if (!payload) return undefined;
  try {
    const sub = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub?: unknown }).sub;
    return typeof sub === 'string' ? sub : undefined;
  } catch {
    return undefined;
  }
}

export type SessionListener = (state: SessionState) => void;

/** Renew this long before the access token's expiry, so a call never goes out with a dying token. */
const EXPIRY_MARGIN_MS = 30_000;

export class SessionService {
  readonly #client: BffClient;
  readonly #vault: CredentialVault;
  readonly #remembered: RememberedUsers;
  readonly #origin: string;
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #local: LocalAccounts;
  readonly #oidc: OidcSignIn | undefined;
  readonly #passwordSignIn: boolean;
  #session: LiveSession | null = null;
  #refreshing: Promise<LiveSession> | null = null;
  readonly #listeners = new Set<SessionListener>();
  readonly #expiredListeners = new Set<(message: string) => void>();
  readonly #userListeners = new Set<(user: User) => void>();

  constructor(options: SessionServiceOptions) {
    this.#client = options.client;
    this.#vault = options.vault;
    this.#remembered = options.remembered;
    this.#origin = options.sessionOrigin;
    this.#logger = options.logger;
    this.#now = options.now ?? Date.now;
    this.#local = options.localAccounts ?? NO_LOCAL_ACCOUNTS;
    this.#oidc = options.oidc;
    this.#passwordSignIn = options.passwordSignIn ?? true;
  }

  /** What the sign-in screen offers: the BFF's methods, less what this console or its policy rules out. */
  async signInMethods(): Promise<SignInMethods> {
    const config = await this.authConfig();
    return {
      local_sign_in: config.password && this.#passwordSignIn,
      idp: config.oidc && this.#oidc ? { provider_name: config.oidc.provider_name } : null,
    };
  }

  /** The sign-in methods the BFF offers (public). */
  async authConfig(): Promise<AuthConfigResponse> {
    return this.#client.call(ENDPOINTS.authConfig, {});
  }

  async #idpConfig(): Promise<{ oidc: OidcSignIn; config: OidcClientConfig }> {
    if (!this.#oidc) throw new ClientError('sign_in_failed', 'Company sign-in is not available in this console.');
    const { oidc: config } = await this.authConfig();
    if (!config) throw new ClientError('sign_in_failed', 'This BFF offers no company sign-in.');
    return { oidc: this.#oidc, config };
  }

  /** A session from IdP tokens: the BFF says who they name (and their roles, from the IdP's groups). */
  async #idpSession(config: OidcClientConfig, tokens: OidcTokens, remembered: boolean, previousSubject?: string): Promise<LiveSession> {
    const idpSubject = subjectOfIdToken(tokens.idToken) ?? previousSubject;
    const { user } = await this.#client.call(ENDPOINTS.me, {}, { accessToken: tokens.accessToken });
    return {
      user,
      accessToken: tokens.accessToken,
      accessExpiresAt: this.#now() + tokens.expiresIn * 1000,
      refreshToken: tokens.refreshToken ?? '',
      remembered,
      localAccount: false,
      idp: config,
      ...(idpSubject ? { idpSubject } : {}),
    };
  }

  /** Company sign-in: the system browser, the IdP's login, back on the loopback redirect. */
  async signInWithIdp(staySignedIn: boolean): Promise<SessionState> {
    const { oidc, config } = await this.#idpConfig();
    const tokens = await oidc.signIn(config);
    const session = await this.#idpSession(config, tokens, false);
    if (this.#session) await this.signOut();
    const previous = this.#remembered.rememberedUser(this.#origin);
    if (previous && previous !== session.user.username) await this.#forget(previous);
    if (staySignedIn && session.refreshToken) await this.#persist(session);
    else await this.#forget(session.user.username);
    this.#session = session;
    this.#logger.info('signed in at the identity provider', { user: session.user.username, remembered: session.remembered });
    return this.#emit();
  }

  /** Stops a sign-in or step-up waiting on the system browser (the person cancelled in the console). */
  cancelIdp(): boolean {
    return this.#oidc?.cancel() ?? false;
  }

  get user(): User | null {
    return this.#session?.user ?? null;
  }

  state(): SessionState {
    const session = this.#session;
    if (!session) return { status: 'signed_out', remembered_user: this.#remembered.rememberedUser(this.#origin) };
    return {
      status: 'signed_in',
      user: session.user,
      remembered: session.remembered,
      ...(session.localAccount ? { local_account: true } : {}),
      ...(session.idp ? { idp: true } : {}),
      ...(session.keychainWarning ? { keychain_warning: session.keychainWarning } : {}),
    };
  }

  /** Called with the new state after sign-in, restore, sign-out and expiry. */
  onChange(listener: SessionListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Called when the signed-in person's roles change within the session (the IdP's word at a fresh sign-in). */
  onUserChanged(listener: (user: User) => void): () => void {
    this.#userListeners.add(listener);
    return () => this.#userListeners.delete(listener);
  }

  /** Called when a session could not be renewed: the renderer shows the sign-in prompt. */
  onExpired(listener: (message: string) => void): () => void {
    this.#expiredListeners.add(listener);
    return () => this.#expiredListeners.delete(listener);
  }

  /** Local mode: signs in as a demo user, the session opened by the embedded BFF in-process (no password). */
  async signInLocal(username: string, staySignedIn: boolean): Promise<SessionState> {
    if (!this.#passwordSignIn) throw new ClientError('forbidden', 'This workstation signs in with the company identity provider only.');
    const tokens = this.#local.has(username) ? await this.#local.signIn(username) : null;
    if (tokens === null) throw new ClientError('not_found', `${username} is not a user the console can sign in as by itself here.`);
    return this.#signedIn(tokens, staySignedIn);
  }

  async signIn(username: string, password: string, staySignedIn: boolean): Promise<SessionState> {
    if (!this.#passwordSignIn) throw new ClientError('forbidden', 'This workstation signs in with the company identity provider only.');
    return this.#signedIn(await this.#client.call(ENDPOINTS.login, { body: { username, password } }), staySignedIn);
  }

  async #signedIn(tokens: TokenResponse, staySignedIn: boolean): Promise<SessionState> {
    // Signing in over a live session ends that one properly (revoked at the BFF, keychain cleaned).
    if (this.#session) await this.signOut();
    // Another user's saved sign-in on this BFF is no longer wanted once someone else signs in here.
    const previous = this.#remembered.rememberedUser(this.#origin);
    if (previous && previous !== tokens.user.username) await this.#forget(previous);
    const session = this.#fromTokens(tokens, false);
    if (staySignedIn) {
      await this.#persist(session);
    } else {
      // The user chose not to stay signed in: no refresh token may stay behind from an earlier choice.
      await this.#forget(tokens.user.username);
    }
    this.#session = session;
    this.#logger.info('signed in', { user: session.user.username, remembered: session.remembered });
    return this.#emit();
  }

  /**
   * Signs in with the refresh token the keychain holds for the remembered user,
   * if any. A token the BFF refuses is deleted; an unreachable BFF keeps it.
   */
  async restore(): Promise<SessionState> {
    if (this.#session) return this.state();
    const username = this.#remembered.rememberedUser(this.#origin);
    if (!username) return this.state();
    const { service, account } = keychainEntry(this.#origin, username);
    const refreshToken = await this.#vault.get(service, account);
    if (!refreshToken) {
      this.#remembered.setRememberedUser(this.#origin, null);
      return this.state();
    }
    if (refreshToken.startsWith(IDP_SECRET_PREFIX)) return this.#restoreIdp(username, refreshToken.slice(IDP_SECRET_PREFIX.length));
    let tokens: TokenResponse;
    try {
      tokens = await this.#refreshRequest(refreshToken);
    } catch (error) {
      if (isClientError(error) && (error.status === 401 || error.code === 'unauthenticated')) {
        this.#logger.info('saved sign-in refused by the BFF, deleting it', { user: username });
        await this.#forget(username);
        return this.state();
      }
      throw error;
    }
    const session = this.#fromTokens(tokens, true);
    await this.#persist(session);
    this.#session = session;
    this.#logger.info('session restored', { user: session.user.username });
    return this.#emit();
  }

  async #restoreIdp(username: string, refreshToken: string): Promise<SessionState> {
    const { oidc, config } = await this.#idpConfig();
    let session: LiveSession;
    try {
      session = await this.#idpSession(config, await oidc.refresh(config, refreshToken), true);
    } catch (error) {
      if (isClientError(error) && (error.code === 'sign_in_failed' || error.status === 401 || error.status === 403)) {
        this.#logger.info('saved company sign-in refused, deleting it', { user: username });
        await this.#forget(username);
        return this.state();
      }
      throw error;
    }
    await this.#persist(session);
    this.#session = session;
    this.#logger.info('session restored at the identity provider', { user: session.user.username });
    return this.#emit();
  }

  /** Revokes the refresh token at the BFF (best effort) and deletes the keychain entry. */
  async signOut(): Promise<SessionState> {
    const session = this.#session;
    this.#session = null;
    this.#refreshing = null;
    if (session?.idp) {
      if (session.refreshToken && this.#oidc) await this.#oidc.revoke(session.idp, session.refreshToken);
      await this.#forget(session.user.username);
      this.#logger.info('signed out', { user: session.user.username });
    } else if (session) {
      try {
        await this.#client.call(ENDPOINTS.logout, { body: { refresh_token: session.refreshToken } }, { accessToken: session.accessToken });
      } catch (error) {
        // Signing out locally must work offline; the token then expires at the BFF on its own.
        this.#logger.warn('logout at the BFF failed', { code: isClientError(error) ? error.code : 'unknown' });
      }
      await this.#forget(session.user.username);
      this.#logger.info('signed out', { user: session.user.username });
    }
    return this.#emit();
  }

  /**
   * Runs `call` with a valid access token. A 401 triggers exactly one refresh
   * and one repeat; if the refresh fails the session ends with `session_expired`.
   */
  async authorized<T>(call: (accessToken: string) => Promise<T>): Promise<T> {
    let session = this.#session;
    if (!session) throw new ClientError('not_signed_in', 'Sign in first.');
    if (this.#now() >= session.accessExpiresAt - EXPIRY_MARGIN_MS) session = await this.#refresh(session);
    try {
      return await call(session.accessToken);
    } catch (error) {
      if (!(isClientError(error) && error.status === 401 && error.code === 'unauthenticated')) throw error;
    }
    session = await this.#refresh(session);
    try {
      return await call(session.accessToken);
    } catch (error) {
      if (isClientError(error) && error.status === 401 && error.code === 'unauthenticated') this.#expire('The BFF no longer accepts this session.');
      throw error;
    }
  }

  /**
   * Trades the user's password (handed over once) for a step-up token that the
   * caller spends on exactly one action and then drops. Nothing keeps it.
   * `confirm` runs first (the native confirmation of what the token will
   * allow); when it throws, no step-up is asked for at all.
   */
  async withStepUp<T>(
    credentials: StepUpCredentials,
    purpose: StepUpPurpose,
    action: (stepUpToken: string) => Promise<T>,
    confirm: () => Promise<void> = async () => undefined,
  ): Promise<T> {
    const user = this.#session?.user;
    if (!user) throw new ClientError('not_signed_in', 'Sign in first.');
    const idp = this.#session?.idp;
    if ('idp' in credentials || idp) {
      if (!idp || !this.#oidc || !('idp' in credentials)) throw new ClientError('step_up_required', 'Sign in again at your identity provider to confirm this action.');
      await confirm();
      const fresh = await this.#oidc.freshAuthentication(idp, user.username);
      await this.#adoptFreshTokens(idp, fresh.tokens);
      let idpStepUpToken: string;
      try {
        ({ step_up_token: idpStepUpToken } = await this.authorized((accessToken) =>
          this.#client.call(ENDPOINTS.stepUp, { body: { id_token: fresh.idToken, nonce: fresh.nonce, purpose } }, { accessToken }),
        ));
      } catch (error) {
        // The BFF found the sign-in not fresh or not strong enough (401 step_up_required): the next try
        // must be a new sign-in at the IdP, which is what confirming again starts.
        if (isClientError(error, 'step_up_required')) {
          const reason = (error.details as { reason?: unknown } | undefined)?.reason;
          throw new ClientError(
            'step_up_required',
            reason === 'authentication_too_weak'
              ? `The BFF needs a stronger sign-in at your identity provider (for example with a second factor): ${error.message}. Confirm again to sign in once more.`
              : `The BFF accepts only a sign-in from the last five minutes, and your identity provider reused an older one: ${error.message}. Confirm again to sign in once more.`,
            error.details,
            error.status,
          );
        }
        throw error;
      }
      return action(idpStepUpToken);
    }
    if ('local_account' in credentials) {
      // Only for the demo users the console signed in itself; anyone else types their password.
      if (!this.#session?.localAccount) throw new ClientError('step_up_required', 'Enter your password to confirm this action.');
      // The native confirmation is the user's say-so; the embedded BFF then issues the token in-process.
      await confirm();
      const { step_up_token: localStepUpToken } = await this.authorized((accessToken) => this.#local.stepUp(accessToken, purpose));
      return action(localStepUpToken);
    }
    const { password, totp } = credentials;
    // Before any token exists: a declined confirmation leaves nothing to spend.
    await confirm();
    const { step_up_token: stepUpToken } = await this.authorized((accessToken) =>
      this.#client.call(ENDPOINTS.stepUp, { body: { password, ...(totp ? { totp } : {}), purpose } }, { accessToken }),
    );
    return action(stepUpToken);
  }

  /**
   * A fresh authentication at the IdP also brought new tokens: the IdP's newest word on
   * this person (a group removed there is a role gone here). The session carries on with
   * them — if they name the same person; someone else signing in at the browser changes
   * nothing. No role left at all: the session ends.
   */
  async #adoptFreshTokens(config: OidcClientConfig, tokens: OidcTokens): Promise<void> {
    const current = this.#session;
    if (!current) throw new ClientError('not_signed_in', 'Signed out meanwhile.');
    // Someone else signed in at the browser: nothing of theirs may touch this session (nor end it).
    const freshSubject = subjectOfIdToken(tokens.idToken);
    if (current.idpSubject && freshSubject !== current.idpSubject) throw this.#otherPerson(current.user.username);
    let next: LiveSession;
    try {
      next = await this.#idpSession(config, tokens, current.remembered, current.idpSubject);
    } catch (error) {
      if (isClientError(error) && (error.status === 401 || error.status === 403) && this.#session === current) {
        this.#expire('Your identity provider no longer gives you access to the console.');
      }
      throw error;
    }
    if (next.user.id !== current.user.id) throw this.#otherPerson(current.user.username);
    if (this.#session !== current) throw new ClientError('not_signed_in', 'Signed out meanwhile.');
    if (next.remembered) await this.#persist(next);
    this.#session = next;
    if (next.user.roles.join() !== current.user.roles.join()) {
      this.#logger.info('roles changed at the identity provider', { user: next.user.username, roles: next.user.roles });
      for (const listener of this.#userListeners) listener(next.user);
    }
  }

  #otherPerson(username: string): ClientError {
    return new ClientError('step_up_required', `You signed in at your identity provider as someone else. Confirm again and sign in as ${username}.`);
  }

  /** Who the BFF says we are: the cheap authorized call the wake check makes (wake-reconnect.ts). */
  async me(): Promise<User> {
    const { user } = await this.authorized((accessToken) =>
      this.#client.call(ENDPOINTS.me, {}, { accessToken }),
    );
    return user;
  }

  #refresh(session: LiveSession): Promise<LiveSession> {
    // One refresh at a time: parallel calls that all got 401 share it.
    this.#refreshing ??= (async () => {
      try {
        const next = session.idp ? await this.#refreshIdp(session) : this.#fromTokens(await this.#refreshRequest(session.refreshToken), session.remembered);
        if (this.#session !== session) throw new ClientError('not_signed_in', 'Signed out meanwhile.');
        if (next.remembered) await this.#persist(next);
        this.#session = next;
        return next;
      } catch (error) {
        if (isClientError(error) && (error.status === 401 || error.code === 'unauthenticated')) {
          if (this.#session === session) this.#expire('Your session has ended. Sign in again.');
          throw new ClientError('session_expired', 'Your session has ended. Sign in again.');
        }
        throw error;
      } finally {
        this.#refreshing = null;
      }
    })();
    return this.#refreshing;
  }

  async #refreshIdp(session: LiveSession): Promise<LiveSession> {
    if (!session.idp || !this.#oidc || !session.refreshToken) throw new ClientError('unauthenticated', 'The identity provider gave no refresh token.', undefined, 401);
    try {
      return await this.#idpSession(session.idp, await this.#oidc.refresh(session.idp, session.refreshToken), session.remembered, session.idpSubject);
    } catch (error) {
      // The IdP refused (a leaver, a revoked grant): the same as a refused BFF refresh.
      if (isClientError(error, 'sign_in_failed')) throw new ClientError('unauthenticated', error.message, undefined, 401);
      throw error;
    }
  }

  #refreshRequest(refreshToken: string): Promise<TokenResponse> {
    return this.#client.call(ENDPOINTS.refresh, { body: { refresh_token: refreshToken } });
  }

  #expire(message: string): void {
    const session = this.#session;
    this.#session = null;
    if (session?.remembered) void this.#forget(session.user.username).catch(() => undefined);
    this.#logger.info('session expired', { user: session?.user.username });
    for (const listener of this.#expiredListeners) listener(message);
    this.#emit();
  }

  #fromTokens(tokens: TokenResponse, remembered: boolean): LiveSession {
    return {
      user: tokens.user,
      accessToken: tokens.access_token,
      accessExpiresAt: this.#now() + tokens.expires_in * 1000,
      refreshToken: tokens.refresh_token,
      remembered,
      localAccount: this.#local.has(tokens.user.username),
    };
  }

  async #persist(session: LiveSession): Promise<void> {
    const { service, account } = keychainEntry(this.#origin, session.user.username);
    try {
      await this.#vault.set(service, account, session.idp ? `${IDP_SECRET_PREFIX}${session.refreshToken}` : session.refreshToken);
      this.#remembered.setRememberedUser(this.#origin, session.user.username);
      session.remembered = true;
      delete session.keychainWarning;
    } catch (error) {
      // Signed in all the same; the user only loses "stay signed in", and is told.
      session.remembered = false;
      session.keychainWarning = isClientError(error) ? error.message : 'The OS keychain is not available.';
      this.#logger.warn('could not save the sign-in to the keychain', { error });
    }
  }

  async #forget(username: string): Promise<void> {
    const { service, account } = keychainEntry(this.#origin, username);
    try {
      await this.#vault.delete(service, account);
    } catch (error) {
      this.#logger.warn('could not delete the saved sign-in from the keychain', { error });
    }
    if (this.#remembered.rememberedUser(this.#origin) === username) this.#remembered.setRememberedUser(this.#origin, null);
  }

  #emit(): SessionState {
    const state = this.state();
    for (const listener of this.#listeners) listener(state);
    return state;
  }
}
