// Sign-in, token refresh and step-up (re-authentication for risky actions).
import { z } from 'zod';
import { Timestamp, Username } from '../domain/primitives.js';
import { User } from '../domain/user.js';

export const Password = z.string().min(1).max(1024);

export const LoginRequest = z.strictObject({ username: Username, password: Password });
export type LoginRequest = z.infer<typeof LoginRequest>;

export const TokenResponse = z.strictObject({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  /** Seconds until the access token expires. */
  expires_in: z.number().int().positive(),
  user: User,
});
export type TokenResponse = z.infer<typeof TokenResponse>;

export const RefreshRequest = z.strictObject({ refresh_token: z.string().min(1).max(512) });
export const LogoutRequest = RefreshRequest;

export const MeResponse = z.strictObject({ user: User });

/** What a step-up token may be spent on; omitted = any one risky action. */
export const StepUpPurpose = z.enum(['rollout', 'rollback', 'approve', 'reject', 'serving.set', 'policy']);
export type StepUpPurpose = z.infer<typeof StepUpPurpose>;

export const PasswordStepUpRequest = z.strictObject({
  password: Password,
  totp: z.string().regex(/^\d{6}$/, 'a 6-digit code').optional(),
  purpose: StepUpPurpose.optional(),
});
export type PasswordStepUpRequest = z.infer<typeof PasswordStepUpRequest>;

/**
 * Step-up of a person signed in at the company IdP: the ID token of a fresh
 * authorization (max_age=0) and the nonce the console sent with it
 * (docs/decisions/0012-company-sign-in-oidc.md).
 */
export const OidcStepUpRequest = z.strictObject({
  id_token: z.string().min(1).max(16_384),
  nonce: z.string().min(16).max(256),
  purpose: StepUpPurpose.optional(),
});
export type OidcStepUpRequest = z.infer<typeof OidcStepUpRequest>;

export const StepUpRequest = z.union([PasswordStepUpRequest, OidcStepUpRequest]);
export type StepUpRequest = z.infer<typeof StepUpRequest>;

export const StepUpResponse = z.strictObject({
  step_up_token: z.string().min(1),
  expires_in: z.number().int().positive(),
  auth_time: Timestamp,
});
export type StepUpResponse = z.infer<typeof StepUpResponse>;

export const STEP_UP_HEADER = 'x-step-up-token';
export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const IdempotencyKey = z.string().regex(/^[A-Za-z0-9_.:-]{8,128}$/, '8-128 characters: letters, digits, _ . : -');
