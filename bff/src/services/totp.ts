// RFC 6238 time-based one-time codes (otpauth): enrolment secrets, the
// otpauth:// URI authenticator apps scan, and verification with ±1 step of drift.
import { Secret, TOTP } from 'otpauth';

const ISSUER = 'Model Ops Console';

function totpFor(secret: string, username = 'user'): TOTP {
  return new TOTP({ issuer: ISSUER, label: username, secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 });
}

/** A new random secret (160 bits, base32), as RFC 4226 recommends. */
export function generateTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

export function totpUri(username: string, secret: string): string {
  return totpFor(secret, username).toString();
}

/** The code for `now`; for tests and the enrolment check. */
export function totpCode(secret: string, now: Date): string {
  return totpFor(secret).generate({ timestamp: now.getTime() });
}

const PERIOD_SECONDS = 30;

/**
 * The time step (unix seconds / 30) of `code` if it is valid at `now`, allowing
 * one step either side for clock drift; undefined otherwise. The caller records
 * the step so the same code is not accepted twice (RFC 6238 section 5.2).
 */
export function verifyTotp(secret: string, code: string, now: Date): number | undefined {
  try {
    const delta = totpFor(secret).validate({ token: code, timestamp: now.getTime(), window: 1 });
    return delta === null ? undefined : Math.floor(now.getTime() / 1000 / PERIOD_SECONDS) + delta;
  } catch {
    // A secret that is not valid base32 verifies nothing.
    return undefined;
  }
}
