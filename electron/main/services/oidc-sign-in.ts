// Company sign-in the way native apps should (RFC 8252): the system browser
// opens the IdP's authorization endpoint with PKCE (S256), state and nonce;
// the code comes back on a loopback redirect (http://127.0.0.1:<ephemeral>/callback,
// one request, then the listener closes) and is exchanged with openid-client.
// Step-up is a new authorization with max_age=0 (+ acr_values). No Electron
// here: the browser is a port (adapters/system-browser.ts opens it with shell.openExternal).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oidc from 'openid-client';
import type { OidcClientConfig } from '../../../shared/api/auth-config.js';
import { ClientError } from './client-error.js';
import type { Logger } from './logger.js';

/** Opens a URL in the user's browser (the port of the system browser). */
export interface BrowserOpener {
  open(url: string): Promise<void>;
}

export interface OidcTokens {
  accessToken: string;
  /** Seconds until the access token expires. */
  expiresIn: number;
  refreshToken: string | undefined;
  idToken: string | undefined;
}

export interface FreshAuthentication {
  idToken: string;
  /** The nonce this authorization sent; the BFF checks the ID token carries it. */
  nonce: string;
  tokens: OidcTokens;
}

export interface OidcSignInOptions {
  browser: BrowserOpener;
  logger: Logger;
  /** How long the browser may take to come back (default 5 minutes). */
  timeoutMs?: number;
  /** Workstation policy: the only issuer this console signs in at (undefined: whatever the BFF names). */
  fixedIssuer?: string;
}

const isLoopbackHttp = (url: URL) => url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);

/**
 * What a system browser may be asked to open: the IdP's https pages, or an IdP on
 * this machine. Every BrowserOpener checks it (a renderer bug must not launch programs).
 */
export function browserUrlAllowed(url: string): URL {
  const parsed = new URL(url);
  if (parsed.protocol !== 'https:' && !isLoopbackHttp(parsed)) throw new Error(`refusing to open ${parsed.protocol} URL in the browser`);
  return parsed;
}

const PAGE = (message: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Model Ops Console</title></head><body><p>${message}</p></body></html>`;

export class OidcSignIn {
  readonly #browser: BrowserOpener;
  readonly #logger: Logger;
  readonly #timeoutMs: number;
  readonly #fixedIssuer: string | undefined;
  readonly #configurations = new Map<string, Promise<oidc.Configuration>>();
  /** The authorization waiting on the browser, if any: one at a time, cancellable. */
  #waiting: Loopback | null = null;

  constructor(options: OidcSignInOptions) {
    this.#browser = options.browser;
    this.#logger = options.logger;
    this.#timeoutMs = options.timeoutMs ?? 5 * 60_000;
    this.#fixedIssuer = options.fixedIssuer;
  }

  /** Signs in: a full authorization with the IdP's own session (single sign-on when it has one). */
  async signIn(config: OidcClientConfig): Promise<OidcTokens> {
    return (await this.#authorize(config, {})).tokens;
  }

  /** A fresh authentication for a step-up: the IdP must ask again (max_age=0), at the configured acr. */
  async freshAuthentication(config: OidcClientConfig, loginHint?: string): Promise<FreshAuthentication> {
    const result = await this.#authorize(config, {
      max_age: '0',
      ...(config.acr_values.length > 0 ? { acr_values: config.acr_values.join(' ') } : {}),
      ...(loginHint ? { login_hint: loginHint } : {}),
    });
    if (!result.tokens.idToken) throw new ClientError('sign_in_failed', 'The identity provider sent no ID token.');
    return { idToken: result.tokens.idToken, nonce: result.nonce, tokens: result.tokens };
  }

  /**
   * Stops waiting for the browser (the person closed the tab or changed their mind): the
   * loopback listener closes, the state, nonce and PKCE verifier are dropped, and the
   * waiting sign-in or step-up fails with `cancelled_by_user`. False when nothing waited.
   */
  cancel(): boolean {
    const waiting = this.#waiting;
    if (!waiting) return false;
    waiting.cancel();
    return true;
  }

  /** Whether an authorization waits for the browser to come back. */
  get waiting(): boolean {
    return this.#waiting !== null;
  }

  /** New tokens for a refresh token (the IdP may rotate it). */
  async refresh(config: OidcClientConfig, refreshToken: string): Promise<OidcTokens> {
    const configuration = await this.#configuration(config);
    try {
      const response = await oidc.refreshTokenGrant(configuration, refreshToken, config.resource ? { resource: config.resource } : undefined);
      return tokensOf(response, refreshToken);
    } catch (error) {
      throw this.#failure('refresh', error);
    }
  }

  /** Revokes a refresh token at the IdP when it offers revocation (best effort: signing out works offline). */
  async revoke(config: OidcClientConfig, refreshToken: string): Promise<void> {
    try {
      const configuration = await this.#configuration(config);
      if (!configuration.serverMetadata().revocation_endpoint) return;
      await oidc.tokenRevocation(configuration, refreshToken, { token_type_hint: 'refresh_token' });
    } catch (error) {
      this.#logger.warn('revoking the refresh token at the identity provider failed', { error: describe(error) });
    }
  }

  #configuration(config: OidcClientConfig): Promise<oidc.Configuration> {
    if (this.#fixedIssuer !== undefined && config.issuer !== this.#fixedIssuer) {
      throw new ClientError('issuer_not_allowed', `The BFF asks to sign in at ${config.issuer}, but this workstation's policy allows only ${this.#fixedIssuer}.`);
    }
    const key = `${config.issuer}\n${config.client_id}`;
    let configuration = this.#configurations.get(key);
    if (!configuration) {
      const issuer = new URL(config.issuer);
      configuration = oidc.discovery(issuer, config.client_id, undefined, oidc.None(), {
        // Plain http only for an IdP on this machine (tests, a developer's Keycloak).
        ...(isLoopbackHttp(issuer) ? { execute: [oidc.allowInsecureRequests] } : {}),
        timeout: 10,
      });
      configuration.catch(() => this.#configurations.delete(key));
      this.#configurations.set(key, configuration);
    }
    return configuration.catch((error: unknown) => {
      throw this.#failure('discovery', error);
    });
  }

  async #authorize(config: OidcClientConfig, extra: Record<string, string>): Promise<{ tokens: OidcTokens; nonce: string }> {
    const configuration = await this.#configuration(config);
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    // A new sign-in replaces one still waiting (the person clicked again): the old listener closes.
    this.#waiting?.cancel();
    const loopback = await listenOnce(this.#timeoutMs);
    this.#waiting = loopback;
    try {
      const redirectUri = `http://127.0.0.1:${loopback.port}/callback`;
      const url = oidc.buildAuthorizationUrl(configuration, {
        redirect_uri: redirectUri,
        scope: config.scopes.join(' '),
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        nonce,
        ...(config.resource ? { resource: config.resource } : {}),
        ...extra,
      });
      this.#logger.info('opening the system browser for company sign-in', { issuer: config.issuer, step_up: extra.max_age === '0' });
      await this.#browser.open(url.href);
      const callback = await loopback.callback;
      if (callback.searchParams.get('state') !== state) throw new ClientError('sign_in_failed', 'The sign-in answer did not belong to this sign-in (state); try again.');
      const error = callback.searchParams.get('error');
      if (error) {
        throw new ClientError('sign_in_failed', `The identity provider refused the sign-in: ${callback.searchParams.get('error_description') ?? error}`, { error });
      }
      try {
        const response = await oidc.authorizationCodeGrant(
          configuration,
          callback,
          // auth_time's freshness is the BFF's to judge (5 minutes), on its clock.
          { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true },
          config.resource ? { resource: config.resource } : undefined,
        );
        return { tokens: tokensOf(response), nonce };
      } catch (failure) {
        throw this.#failure('code exchange', failure);
      }
    } finally {
      loopback.close();
      if (this.#waiting === loopback) this.#waiting = null;
    }
  }

  #failure(stage: string, error: unknown): ClientError {
    if (error instanceof ClientError) return error;
    this.#logger.warn(`company sign-in failed at ${stage}`, { error: describe(error) });
    return new ClientError('sign_in_failed', `Company sign-in failed (${stage}): ${describe(error)}`);
  }
}

function describe(error: unknown): string {
  if (error instanceof oidc.ResponseBodyError) return `${error.error}${error.error_description ? `: ${error.error_description}` : ''}`;
  return error instanceof Error ? error.message : String(error);
}

function tokensOf(response: oidc.TokenEndpointResponse, previousRefreshToken?: string): OidcTokens {
  return {
    accessToken: response.access_token,
    expiresIn: typeof response.expires_in === 'number' && response.expires_in > 0 ? response.expires_in : 300,
    refreshToken: response.refresh_token ?? previousRefreshToken,
    idToken: response.id_token,
  };
}

interface Loopback {
  port: number;
  /** The full URL of the one callback request. */
  callback: Promise<URL>;
  close(): void;
  /** Rejects the wait with `cancelled_by_user` and closes the listener. */
  cancel(): void;
}

/**
 * A listener on 127.0.0.1 (port chosen by the OS) for exactly one
 * /callback request; it answers the browser with a short page and stops
 * listening. Times out with `sign_in_failed`.
 */
async function listenOnce(timeoutMs: number): Promise<Loopback> {
  let resolveCallback!: (url: URL) => void;
  let rejectCallback!: (error: Error) => void;
  const callback = new Promise<URL>((resolve, reject) => {
    resolveCallback = resolve;
    rejectCallback = reject;
  });
  // The caller may fail before awaiting it (the browser did not open): no unhandled rejection.
  callback.catch(() => undefined);
  let done = false;
  let port = 0;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (done || req.method !== 'GET' || url.pathname !== '/callback') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    done = true;
    const ok = url.searchParams.has('code') && !url.searchParams.has('error');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', connection: 'close' });
    res.end(PAGE(ok ? 'Signed in. You can close this tab and return to Model Ops Console.' : 'Sign-in did not complete. Return to Model Ops Console and try again.'));
    server.close();
    // With the port: openid-client sends this URL (less its query) as the token request's redirect_uri.
    resolveCallback(new URL(req.url ?? '/', `http://127.0.0.1:${port}`));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  port = (server.address() as AddressInfo).port;
  const timer = setTimeout(() => {
    const [count, unit] = timeoutMs >= 60_000 ? [Math.round(timeoutMs / 60_000), 'minute'] : [Math.max(1, Math.round(timeoutMs / 1000)), 'second'];
    const within = `${count} ${unit}${count === 1 ? '' : 's'}`;
    rejectCallback(new ClientError('sign_in_failed', `The browser did not come back from the identity provider within ${within}; sign in again.`, { reason: 'timeout' }));
    server.close();
  }, timeoutMs);
  const settled = callback.finally(() => clearTimeout(timer));
  settled.catch(() => undefined);
  return {
    port,
    callback: settled,
    close: () => {
      clearTimeout(timer);
      server.close();
      server.closeAllConnections();
    },
    cancel: () => {
      done = true;
      rejectCallback(new ClientError('cancelled_by_user', 'Sign-in at the identity provider cancelled.'));
      clearTimeout(timer);
      server.close();
      server.closeAllConnections();
    },
  };
}
