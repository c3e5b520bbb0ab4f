// People and what they may do.
import { z } from 'zod';
import { Username } from './primitives.js';

export const Role = z.enum(['viewer', 'operator', 'approver', 'admin']);
export type Role = z.infer<typeof Role>;

/** Roles of service accounts (machines, not people): the only holders of these rights. */
export const ServiceRole = z.enum(['eval_runner', 'router', 'metrics_reporter']);
export type ServiceRole = z.infer<typeof ServiceRole>;

export const User = z.strictObject({
  id: z.string(),
  username: Username,
  display_name: z.string(),
  roles: z.array(Role),
});
export type User = z.infer<typeof User>;
