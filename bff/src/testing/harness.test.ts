import { describe, expect, it } from 'vitest';
import type { AuditAction } from '../../../shared/domain/audit.js';
import { appendAudit } from '../store/audit-log.js';
import { startTestBff } from './harness.js';

describe('test harness', () => {
  it('calls the app through app.inject, and opens no socket unless asked', async () => {
    const bff = await startTestBff({ users: [] });
    try {
      const health = await bff.call('GET', '/healthz');
      expect(health.status).toBe(200);
      expect(health.headers.get('content-type')).toMatch(/^application\/json/);
      expect(health.body).toHaveProperty('status');
      expect(bff.app.server.listening).toBe(false);
      expect(() => bff.url).toThrow(/socket: true/);
    } finally {
      await bff.stop();
    }
  });

  it('fails the test whose server wrote an audit action missing from the shared list', async () => {
    const bff = await startTestBff({ users: [] });
    // The cast stands for what the compiler cannot see: a computed or mistyped action.
    await appendAudit(bff.ctx.db, { at: bff.clock.now().toISOString(), actor: 'test', action: 'made.up' as AuditAction, target: 'test:x', details: {} });
    await expect(bff.stop()).rejects.toThrow(/audit actions missing from shared\/domain\/audit\.ts: made\.up/);
  });
});
