// The test IdP (oidc-idp.ts) as its own process, for suites that may not import
// bff/ (the main process's): prints one JSON line {issuer, users} on stdout,
// then serves until stdin closes or SIGTERM.
//   node --import tsx bff/src/testing/oidc-idp-process.ts
import { startTestIdp } from './oidc-idp.js';

const idp = await startTestIdp();
process.stdout.write(
  `${JSON.stringify({
    issuer: idp.issuer,
    users: [...idp.users.values()].map(({ username, password, sub, groups }) => ({ username, password, sub, groups })),
  })}\n`,
);
const stop = () => {
  void idp.stop().finally(() => process.exit(0));
};
process.stdin.on('end', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
