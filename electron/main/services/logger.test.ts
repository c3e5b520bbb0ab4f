// The file logger rotates by size and redacts secrets, whoever logs them.
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../test-support/harness.js';
import { createFileLogger } from './logger.js';
import { redactText, redactValue } from './redact.js';

const dir = tempDir();
afterAll(() => dir.remove());

describe('logger', () => {
  it('rotates at maxBytes and keeps maxFiles old files', () => {
    const logger = createFileLogger({ directory: dir.path, maxBytes: 400, maxFiles: 2 });
    for (let index = 0; index < 40; index += 1) logger.info(`line ${index}`, { padding: 'x'.repeat(40) });
    expect(readdirSync(dir.path).sort()).toEqual(['main.log', 'main.log.1', 'main.log.2']);
    for (const file of ['main.log', 'main.log.1', 'main.log.2']) expect(readFileSync(`${dir.path}/${file}`).length).toBeLessThanOrEqual(400);
    expect(readFileSync(`${dir.path}/main.log`, 'utf8')).toContain('line 39');
  });

  it('redacts by key name and by shape', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c3JfMSJ9.c2lnbmF0dXJlLXZhbHVl';
    expect(redactText(`Authorization: Bearer ${jwt}`)).toBe('Authorization: Bearer [redacted]');
    expect(redactText(`token ${jwt} here`)).toBe('token [redacted] here');
    expect(redactText('https://x.example/?password=hunter2&a=1')).toBe('https://x.example/?password=[redacted]&a=1');
    expect(redactText('{"refresh_token":"abc123"}')).toBe('{"refresh_token":"[redacted]"}');
    expect(redactValue({ user: 'olivia', password: 'demo-olivia', nested: { stepUpToken: 's', list: [{ accessToken: 'a' }] } })).toEqual({
      user: 'olivia',
      password: '[redacted]',
      nested: { stepUpToken: '[redacted]', list: [{ accessToken: '[redacted]' }] },
    });
    const error = Object.assign(new Error('login failed for password=hunter2'), { code: 'E1' });
    expect(redactValue({ error })).toEqual({ error: { name: 'Error', message: 'login failed for password=[redacted]', code: 'E1' } });
  });
});
