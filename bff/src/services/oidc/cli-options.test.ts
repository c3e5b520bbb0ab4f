// `bff serve` with company sign-in from flags and BFF_OIDC_* variables, and a
// half-configured IdP refused before the server listens.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliIo } from '../../cli.js';
import { TEST_CHILD_ENV, testDatabase } from '../../testing/harness.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'oidc-cli-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

function io(env: NodeJS.ProcessEnv): CliIo & { lines: string[] } {
  const lines: string[] = [];
  return { lines, out: (l) => lines.push(l), err: (l) => lines.push(l), readStdin: async () => '', env, now: () => new Date() };
}

describe('bff serve --oidc-*', () => {
  it('serves /auth/config from flags over the environment', async () => {
    const out = io({
      ...TEST_CHILD_ENV,
      BFF_OIDC_ISSUER: 'https://overridden.example.com',
      BFF_OIDC_PROVIDER_NAME: 'Keycloak',
      BFF_OIDC_ALLOW_PASSWORD: 'true',
    });
    let close: (() => Promise<void>) | undefined;
    let url = '';
    const code = await runCli(
      [
        'serve',
        '--port', '0',
        '--db', await testDatabase(dir, 'serve.db'),
        '--oidc-issuer', 'https://login.example.com/realms/corp',
        '--oidc-client-id', 'modelops-console',
        '--oidc-audience', 'modelops-bff',
        '--oidc-role-map', 'ml-ops-operators=operator,ml-ops-approvers=approver',
      ],
      out,
      (running) => {
        close = running.close;
        url = running.url;
      },
    );
    try {
      expect(code, out.lines.join('\n')).toBe(0);
      expect(out.lines.join('\n')).toContain('company sign-in: https://login.example.com/realms/corp');
      const config = (await (await fetch(`${url}/auth/config`)).json()) as { password: boolean; oidc: { issuer: string; provider_name: string } };
      expect(config).toMatchObject({ password: true, oidc: { issuer: 'https://login.example.com/realms/corp', provider_name: 'Keycloak' } });
    } finally {
      await close?.();
    }
  });

  it('refuses to start with a half configuration, naming what is wrong', async () => {
    const out = io({ BFF_OIDC_ISSUER: 'https://login.example.com/realms/corp' });
    expect(await runCli(['serve', '--port', '0', '--db', join(dir, 'never.db')], out)).toBe(2);
    expect(out.lines.join('\n')).toMatch(/clientId.*audience|audience/);
  });
});
