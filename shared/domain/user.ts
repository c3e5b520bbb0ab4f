// People and what they may do.
import { z } from 'zod';
import { Username } from './primitives.js';

export const Role = z.enum(['viewer', 'operator', 'approver', 'admin']);
export type Role = z.infer<typeof Role>;

export const User = z.strictObject({
  id: z.string(),
  username: Username,
  display_name: z.string(),
  roles: z.array(Role),
});
export type User = z.infer<typeof User>;
