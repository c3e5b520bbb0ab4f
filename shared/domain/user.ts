// People and what they may do.
import { z } from 'zod';
import { Timestamp, Username } from './primitives.js';

export const Role = z.enum(['viewer', 'operator', 'approver', 'admin']);
export type Role = z.infer<typeof Role>;

/** Roles of service accounts (machines, not people): the only holders of these rights. */
export const ServiceRole = z.enum(['eval_runner', 'router', 'metrics_reporter']);
export type ServiceRole = z.infer<typeof ServiceRole>;

/** A service account's name, e.g. `eval-runner`. */
export const ServiceAccountName = z
  .string()
  .regex(/^[a-z][a-z0-9._-]{1,47}$/, 'must be 2-48 characters: lowercase letters, digits, . _ -');

/**
 * How a service account appears as an actor (audit, `reported_by`): `svc:<name>`.
 * A user name cannot hold ':', so a machine is never mistaken for a person.
 */
export const SERVICE_ACTOR_PREFIX = 'svc:';
export const serviceActor = (name: string): string => `${SERVICE_ACTOR_PREFIX}${name}`;

export const ServiceAccount = z.strictObject({
  id: z.string(),
  name: ServiceAccountName,
  roles: z.array(ServiceRole).min(1),
  created_at: Timestamp,
  created_by: z.string(),
  expires_at: Timestamp,
  revoked_at: Timestamp.nullable(),
});
export type ServiceAccount = z.infer<typeof ServiceAccount>;

export const User = z.strictObject({
  id: z.string(),
  username: Username,
  display_name: z.string(),
  roles: z.array(Role),
});
export type User = z.infer<typeof User>;
