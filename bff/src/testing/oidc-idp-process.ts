// The test IdP (oidc-idp.ts, the one implementation) as its own process, for suites that
// may not import bff/ (the main process's: electron/main/test-support/idp.ts is its client).
//   node --import tsx bff/src/testing/oidc-idp-process.ts
// Prints one JSON line {issuer, client_id, audience, api_scope, users}, then answers one JSON
// line per command line on stdin — {id, op: 'browse', url, username} (the plain-HTTP browser
// of oidc-idp.ts: the IdP's login form submitted, the redirect back returned, not followed),
// {id, op: 'set_groups', username, groups} — with {id, ok, value?, error?}. Serves until
// stdin closes or SIGTERM.
import { createInterface } from 'node:readline';
import { TEST_IDP_API_SCOPE, TEST_IDP_AUDIENCE, TEST_IDP_CLIENT_ID, browse, startTestIdp } from './oidc-idp.js';

const idp = await startTestIdp();
const write = (line: unknown) => process.stdout.write(`${JSON.stringify(line)}\n`);
write({
  issuer: idp.issuer,
  client_id: TEST_IDP_CLIENT_ID,
  audience: TEST_IDP_AUDIENCE,
  api_scope: TEST_IDP_API_SCOPE,
  users: [...idp.users.values()].map(({ username, password, sub, groups }) => ({ username, password, sub, groups })),
});

type Command =
  | { id: number; op: 'browse'; url: string; username: string }
  | { id: number; op: 'set_groups'; username: string; groups: string[] };

async function run(command: Command): Promise<unknown> {
  switch (command.op) {
    case 'browse': {
      const user = idp.users.get(command.username);
      if (!user) throw new Error(`no IdP user ${command.username}`);
      return (await browse(command.url, { username: user.username, password: user.password })).href;
    }
    case 'set_groups':
      idp.setGroups(command.username, command.groups);
      return null;
  }
}

const stop = () => {
  void idp.stop().finally(() => process.exit(0));
};
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const command = JSON.parse(line) as Command;
  run(command).then(
    (value) => write({ id: command.id, ok: true, value }),
    (error: unknown) => write({ id: command.id, ok: false, error: error instanceof Error ? error.message : String(error) }),
  );
});
lines.on('close', stop);
process.on('SIGTERM', stop);
