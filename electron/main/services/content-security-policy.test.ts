// The CSP literal in the protocol adapter (there for Electronegativity) must be the policy itself.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from './content-security-policy.js';

it('the protocol adapter enforces exactly CONTENT_SECURITY_POLICY, a strict one', () => {
  const source = readFileSync(new URL('../adapters/protocol.ts', import.meta.url), 'utf8');
  const literal = /'Content-Security-Policy': \[\s*"([^"]+)"/.exec(source)?.[1];
  expect(literal).toBe(CONTENT_SECURITY_POLICY);
  expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|\*|http:|https:/);
  expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
  expect(CONTENT_SECURITY_POLICY).toContain("connect-src 'none'");
});
