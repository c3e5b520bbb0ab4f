// A BFF process for the idempotency crash test (plugins/idempotency-crash.test.ts):
// a real server on the given database whose test routes hang, so that the test
// can SIGKILL it with requests in flight. Prints "READY <url>" when listening.
import { startBff } from '../server.js';
import { createUser } from '../store/users.js';
import { hangingRoutes } from './hanging-routes.js';

const dbFile = process.env.CRASH_TEST_DB;
const password = process.env.CRASH_TEST_PASSWORD;
if (!dbFile || !password) throw new Error('CRASH_TEST_DB and CRASH_TEST_PASSWORD are required');

// The access-token secret comes from BFF_ACCESS_TOKEN_SECRET, shared with the restarted server.
const running = await startBff({ dbFile, port: 0, routes: [hangingRoutes(true)] });
await createUser(running.ctx.db, { username: 'olivia', displayName: 'Olivia', password, roles: ['operator'] }, new Date());
process.stdout.write(`READY ${running.url}\n`);
