// The demo users, apart from the demo data: local mode names them at every start
// (electron/main/local-mode/start-local-bff.ts) without loading the seed itself.
import type { Role } from '../../../shared/domain/user.js';

/** The demo users; each signs in with `demo-<username>`. Ravi registers most versions, so Arjun may approve them. */
export const DEMO_USERS: ReadonlyArray<{ username: string; displayName: string; roles: Role[] }> = [
  { username: 'olivia', displayName: 'Olivia Operator', roles: ['operator'] },
  { username: 'arjun', displayName: 'Arjun Approver', roles: ['approver'] },
  { username: 'ada', displayName: 'Ada Admin', roles: ['admin'] },
  { username: 'ravi', displayName: 'Ravi Registrar', roles: ['operator'] },
];

export function demoPassword(username: string): string {
  return `demo-${username}`;
}
